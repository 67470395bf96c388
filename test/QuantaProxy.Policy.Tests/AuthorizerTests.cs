namespace QuantaProxy.Policy.Tests;

public class AuthorizerTests
{
    [Test]
    public void Default_is_deny()
    {
        var d = Cedar.Authorize("");
        Assert.Multiple(() =>
        {
            Assert.That(d.Kind, Is.EqualTo(DecisionKind.Deny));
            Assert.That(d.DeterminingPolicies, Is.Empty);
            Assert.That(d.Errors, Is.Empty);
        });
    }

    [Test]
    public void Forbid_overrides_permit_and_only_forbids_determine()
    {
        var d = Cedar.Authorize("""
            permit(principal, action in QuantaProxy::Action::"read", resource);
            @id("no-okta") forbid(principal, action, resource == QuantaProxy::Integration::"okta");
            permit(principal, action, resource);
            """);
        Assert.Multiple(() =>
        {
            Assert.That(d.IsAllowed, Is.False);
            Assert.That(d.DeterminingPolicies, Is.EqualTo(new[] { "no-okta" }));
        });
    }

    [Test]
    public void Every_applying_permit_determines_an_allow()
    {
        var d = Cedar.Authorize("""
            permit(principal == QuantaProxy::Agent::"alice", action == QuantaProxy::Action::"list_users", resource);
            permit(principal in QuantaProxy::AgentGroup::"g2", action, resource is QuantaProxy::Integration);
            permit(principal == QuantaProxy::Agent::"bob", action, resource);
            """);
        Assert.Multiple(() =>
        {
            Assert.That(d.IsAllowed, Is.True);
            Assert.That(d.DeterminingPolicies, Is.EqualTo(new[] { "policy0", "policy1" }));
        });
    }

    [Test]
    public void An_erroring_forbid_does_not_forbid_but_is_reported()
    {
        var d = Cedar.Authorize("""
            permit(principal, action, resource);
            @id("limit") forbid(principal, action, resource) when { context.calls_today + 1 > 100 };
            """);
        Assert.Multiple(() =>
        {
            Assert.That(d.IsAllowed, Is.True);
            Assert.That(d.Errors.Select(e => e.PolicyId), Is.EqualTo(new[] { "limit" }));
            Assert.That(d.Errors[0].Message, Does.Contain("integer overflow"));
            Assert.That(d.Errors[0].Message, Does.StartWith("2:"));
        });
    }

    [Test]
    public void Conditions_are_evaluated_in_order_and_stop_at_the_first_false_one()
    {
        var d = Cedar.Authorize("""
            permit(principal, action, resource) when { false } when { 1 + "a" };
            permit(principal, action, resource) unless { true } when { 1 + "a" };
            permit(principal, action, resource) when { true } unless { 1 };
            """);
        Assert.Multiple(() =>
        {
            Assert.That(d.IsAllowed, Is.False);
            Assert.That(d.Errors.Select(e => e.PolicyId), Is.EqualTo(new[] { "policy2" }));
        });
    }

    [Test]
    public void A_scope_that_does_not_match_hides_condition_errors()
    {
        var d = Cedar.Authorize("permit(principal == QuantaProxy::Agent::\"bob\", action, resource) when { 1 + \"a\" };");
        Assert.That(d.Errors, Is.Empty);
    }

    [Test]
    public void Entity_hierarchies_with_cycles_are_refused_like_cedar() =>
        Assert.Throws<ArgumentException>(() => _ = new EntityStore([
            new Entity(new EntityUid("G", "a"), null, [new EntityUid("G", "b")]),
            new Entity(new EntityUid("G", "b"), null, [new EntityUid("G", "a")]),
        ]));

    [Test]
    public void Deep_hierarchies_are_followed_without_recursion()
    {
        var entities = Enumerable.Range(0, 20_000).Select(i => new Entity(new EntityUid("G", $"g{i}"), null, [new EntityUid("G", $"g{i + 1}")]));
        var store = new EntityStore(entities);
        Assert.That(store.IsInHierarchy(new EntityUid("G", "g0"), new EntityUid("G", "g20000")), Is.True);
    }
}
