namespace QuantaProxy.Policy.Tests;

public class ParserTests
{
    [TestCase("permit(principal, action, resource)", 1, 36, "`;`")]
    [TestCase("permit(principal, action, resource);\n\nforbid(principal, action resource);", 3, 26, "`,`")]
    [TestCase("permit(principal, action, resource) when { 1 == 1 == 1 };", 1, 51, "multiple relational operators")]
    [TestCase("permit(principal, action, resource) when { !!!!!true };", 1, 44, "too many occurrences of `!`")]
    [TestCase("permit(principal, action, resource) when { 9223372036854775808 > 0 };", 1, 44, "integer literal `9223372036854775808` is too large")]
    [TestCase("permit(principal, action, resource) when { \"\\q\" == \"\" };", 1, 44, "not a valid escape")]
    [TestCase("permit(principal, action, resource) when { context.foo() };", 1, 52, "`foo` is not a valid method")]
    [TestCase("permit(principal, action, resource) when { foo(1) };", 1, 44, "`foo` is not a valid function")]
    [TestCase("permit(principal, action, resource) when { {a: 1, a: 2} == {} };", 1, 51, "duplicate key `a`")]
    [TestCase("permit(principal, action, resource) when { context.if };", 1, 52, "reserved")]
    [TestCase("permit(principal, action, resource) when { 1 / 2 };", 1, 46, "division")]
    [TestCase("permit(principal, action == User::\"x\", resource);", 1, 29, "type `Action`")]
    [TestCase("permit(principal in [User::\"a\"], action, resource);", 1, 21, "an entity uid")]
    [TestCase("permit(principal == ?principal, action, resource);", 1, 21, "templates")]
    [TestCase("allow(principal, action, resource);", 1, 1, "invalid policy effect")]
    [TestCase("permit(principal, action, resource) when { };", 1, 37, "empty")]
    [TestCase("permit(principal, action, resource) when { 1 + if true then 1 else 2 };", 1, 48, "reserved")]
    [TestCase("@id(\"a\") @id(\"b\") permit(principal, action, resource);", 1, 10, "duplicate annotation")]
    [TestCase("@id(\"a\") permit(principal, action, resource);\n@id(\"a\") permit(principal, action, resource);", 2, 1, "duplicate policy id")]
    [TestCase("permit(principal, action, resource) when { \"unterminated };", 1, 44, "unterminated")]
    public void Invalid_text_is_refused_with_line_and_column(string text, int line, int column, string message)
    {
        var e = Assert.Throws<PolicyParseException>(() => PolicySet.Parse(text))!;
        Assert.Multiple(() =>
        {
            Assert.That(e.Reason, Does.Contain(message));
            Assert.That((e.Line, e.Column), Is.EqualTo((line, column)), e.Message);
            Assert.That(e.Message, Does.StartWith($"{line}:{column}: "));
        });
    }

    [Test]
    public void Ids_come_from_the_id_annotation_or_the_position()
    {
        var set = PolicySet.Parse("""
            permit(principal, action, resource);
            @id("deny-destructive") @reason("needs a human") @approval
            forbid(principal, action in QuantaProxy::Action::"destructive", resource);
            permit(principal, action, resource); // a comment
            """);
        Assert.That(set.Policies.Select(p => p.Id), Is.EqualTo(new[] { "policy0", "deny-destructive", "policy2" }));
        Assert.Multiple(() =>
        {
            Assert.That(set.Policies[1].Annotation("reason"), Is.EqualTo("needs a human"));
            Assert.That(set.Policies[1].Annotation("approval"), Is.EqualTo(""));
            Assert.That(set.Policies[1].Effect, Is.EqualTo(Effect.Forbid));
            Assert.That(set.Policies[1].Location, Is.EqualTo(new SourceLocation(2, 1, 37)));
            Assert.That(set.TryGet("deny-destructive", out _), Is.True);
        });
    }

    [TestCase("permit(principal, action, resource,);")]
    [TestCase("permit(principal is QuantaProxy::Agent in QuantaProxy::AgentGroup::\"g\", action in [QuantaProxy::Action::\"read\",], resource is QuantaProxy::Integration);")]
    [TestCase("permit(principal, action in [], resource) when { [1, 2,] == [2, 1] && {a: 1,} has a && (context has \"user id\") == false };")]
    [TestCase("permit(principal, action, resource) when { -9223372036854775808 < 0 && - 1 < 0 && !!true };")]
    [TestCase("permit(principal, action, resource) when { principal has name.first };")]
    public void Valid_cedar_parses(string text) => Assert.DoesNotThrow(() => PolicySet.Parse(text));

    [Test]
    public void Empty_text_is_an_empty_policy_set() => Assert.That(PolicySet.Parse("  // nothing\n").Policies, Is.Empty);
}
