using QuantaProxy.Policy.Schema;

namespace QuantaProxy.Policy.Tests;

public class SchemaTests
{
    private static readonly PolicySchema Schema = QuantaProxySchema.Create();

    private static IReadOnlyList<SchemaViolation> Check(string text) => SchemaChecker.Check(PolicySet.Parse(text), Schema);

    [Test]
    public void A_policy_over_the_product_schema_passes()
    {
        var violations = Check("""
            @id("destructive-needs-human")
            forbid(principal is QuantaProxy::Agent, action in QuantaProxy::Action::"destructive", resource)
            unless { context has human && context.human.groups.contains("Okta Admins") && context.human.status == "ACTIVE" };
            permit(principal in QuantaProxy::AgentGroup::"support", action in [QuantaProxy::Action::"read", QuantaProxy::Action::"update_user"], resource)
            when { resource.okta_domain like "*.okta.com" && principal.tenant == "acme" && context.args has profile && context.args.profile.department != "Finance" && context.time.hour < 18 && context.calls_today < 500 };
            """);
        Assert.That(violations, Is.Empty, string.Join("\n", violations));
    }

    [TestCase("permit(principal, action, resource) when { principal.nmae == \"x\" };", 1, 44, "unknown attribute `nmae`")]
    [TestCase("permit(principal, action, resource) when {\n  context.args.profile.dept == \"x\" };", 2, 3, "unknown attribute `dept`")]
    [TestCase("permit(principal, action, resource) when { context has humans };", 1, 44, "unknown attribute `humans`")]
    [TestCase("permit(principal, action == QuantaProxy::Action::\"delete_org\", resource);", 1, 19, "unknown action")]
    [TestCase("permit(principal is QuantaProxy::Robot, action, resource);", 1, 8, "unknown entity type `QuantaProxy::Robot`")]
    [TestCase("permit(principal, action, resource) when { principal in QuantaProxy::Group::\"x\" };", 1, 57, "unknown entity type `QuantaProxy::Group`")]
    [TestCase("permit(principal, action, resource) when { resource.name == \"x\" && resource.domain == \"y\" };", 1, 68, "unknown attribute `domain`")]
    public void Unknown_references_are_refused_with_their_position(string text, int line, int column, string message)
    {
        var violations = Check(text);
        Assert.That(violations, Has.Count.EqualTo(1), string.Join("\n", violations));
        Assert.Multiple(() =>
        {
            Assert.That(violations[0].Message, Does.Contain(message));
            Assert.That((violations[0].Location.Line, violations[0].Location.Column), Is.EqualTo((line, column)));
        });
    }

    [Test]
    public void Scope_narrows_the_principal_type()
    {
        // okta_domain belongs to integrations, not to agents: narrowed by `is`, the reference is refused.
        var violations = Check("permit(principal is QuantaProxy::Agent, action, resource) when { principal.okta_domain == \"x\" };");
        Assert.That(violations.Select(v => v.Message), Has.One.Contains("QuantaProxy::Agent"));
    }
}
