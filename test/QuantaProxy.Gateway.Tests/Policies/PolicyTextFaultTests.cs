using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Policies;
using QuantaProxy.Gateway.WebConsole.Policies;

namespace QuantaProxy.Gateway.Tests.Policies;

/// <summary>
/// The console's Policies page marks a refused upload's fault at its line by reading the position back from the problem's
/// detail: these tie what the page reads to what the upload check writes, so a change of wording there fails here.
/// </summary>
public sealed class PolicyTextFaultTests
{
    private static ApiException Refusal(string text) =>
        Assert.Throws<ApiException>(() => ActivePolicySet.Compile(text, 0, new PolicyOptions()))!;

    [Test]
    public void A_syntax_error_is_read_back_at_its_line_and_column()
    {
        var refusal = Refusal("@id(\"a\")\npermit(principal, action, resource);\nforbid(principal action, resource);\n");
        Assert.That(refusal.Code, Is.EqualTo(PolicyProblemCodes.PolicySyntax));
        var fault = PolicyTextFault.From(refusal.Message);
        Assert.That(fault, Is.Not.Null);
        Assert.That((fault!.Line, fault.Column), Is.EqualTo((3, 18)));
        Assert.That(fault.Reason, Does.Contain("action").And.Not.StartWith("Line"));
    }

    [Test]
    public void A_schema_error_is_read_back_at_its_line()
    {
        var refusal = Refusal("permit(principal, action, resource)\nwhen { context.args has departmnt };\n");
        Assert.That(refusal.Code, Is.EqualTo(PolicyProblemCodes.PolicySchema));
        Assert.That(PolicyTextFault.From(refusal.Message)?.Line, Is.EqualTo(2));
    }

    [TestCase(null)]
    [TestCase("Another policy upload for this tenant happened at the same moment; upload again.")]
    [TestCase("Line 0, column 1: nothing is on line 0")]
    [TestCase("Line 99999999999, column 1: out of range")]
    public void A_refusal_without_a_position_names_none(string? detail) => Assert.That(PolicyTextFault.From(detail), Is.Null);

    [Test]
    public void A_textarea_s_line_ends_become_the_parser_s()
    {
        Assert.That(PolicyTextFault.Normalize("a\r\nb\rc\n"), Is.EqualTo("a\nb\nc\n"));
        Assert.That(PolicyTextFault.Lines("a\nb"), Is.EqualTo(new[] { "a", "b" }));
    }
}
