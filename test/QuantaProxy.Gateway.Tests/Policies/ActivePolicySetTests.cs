using QuantaProxy.Gateway.Policies;

namespace QuantaProxy.Gateway.Tests.Policies;

/// <summary>A set fetches an Okta fact or counts calls only when one of its conditions can read it, never for a mere mention.</summary>
public sealed class ActivePolicySetTests
{
    private static ActivePolicySet Compile(string text) => ActivePolicySet.Compile(text, 1, new PolicyOptions());

    [Test]
    public void A_name_in_a_comment_or_a_reason_fetches_nothing()
    {
        var set = Compile("""
            // No target, target_group or calls_today is read here: this set only names them.
            @id("reads-nothing") @reason("calls_today and target are not read") permit(principal, action, resource);
            """);
        Assert.That(set.RefersToTarget, Is.False);
        Assert.That(set.RefersToTargetGroup, Is.False);
        Assert.That(set.RefersToCallsToday, Is.False);
    }

    [Test]
    public void Reading_the_target_group_does_not_fetch_the_target_user()
    {
        var set = Compile("""@id("groups") forbid(principal, action, resource) when { context has target_group && context.target_group.type == "BUILT_IN" };""");
        Assert.That(set.RefersToTargetGroup, Is.True);
        Assert.That(set.RefersToTarget, Is.False);
    }

    [Test]
    public void Each_fact_read_by_a_condition_is_fetched()
    {
        var set = Compile("""
            @id("a") forbid(principal, action, resource) when { context has target && context.target.status == "SUSPENDED" };
            @id("b") forbid(principal, action, resource) when { context.calls_today > 100 };
            """);
        Assert.That(set.RefersToTarget, Is.True);
        Assert.That(set.RefersToCallsToday, Is.True);
        Assert.That(set.RefersToTargetGroup, Is.False);
    }
}
