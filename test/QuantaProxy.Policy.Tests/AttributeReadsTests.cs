namespace QuantaProxy.Policy.Tests;

/// <summary>Which attributes a set may read, decided on the parsed conditions: what decides whether the gateway fetches a fact.</summary>
public sealed class AttributeReadsTests
{
    private static bool MayRead(string policies, string attribute) => AttributeReads.MayRead(PolicySet.Parse(policies), attribute);

    [TestCase("""permit(principal, action, resource) when { context.target.status == "ACTIVE" };""", "target", true)]
    [TestCase("""permit(principal, action, resource) when { context["target"].status == "ACTIVE" };""", "target", true)]
    [TestCase("""permit(principal, action, resource) when { context has target };""", "target", true)]
    [TestCase("""permit(principal, action, resource) unless { context.calls_today > 10 };""", "calls_today", true)]
    [TestCase("""permit(principal, action, resource) when { if true then context.target_group.name == "x" else false };""", "target_group", true)]
    [TestCase("""permit(principal, action, resource) when { context.target_group.name == "x" };""", "target", false)]
    [TestCase("""permit(principal, action, resource) when { context.args.group_id == "target" };""", "target", false)]
    [TestCase("// reads context.target? no: a comment\npermit(principal, action, resource);", "target", false)]
    [TestCase("""@reason("target") permit(principal, action, resource);""", "target", false)]
    [TestCase("""permit(principal == QuantaProxy::Agent::"target", action, resource);""", "target", false)]
    [TestCase("""permit(principal, action, resource) when { context == {} };""", "target", true)]
    [TestCase("""permit(principal, action, resource) when { [context].contains(context) };""", "calls_today", true)]
    public void Decides_on_the_conditions_not_the_text(string policies, string attribute, bool expected) =>
        Assert.That(MayRead(policies, attribute), Is.EqualTo(expected));

    [Test]
    public void Any_policy_of_the_set_counts() => Assert.That(MayRead("""
        permit(principal, action, resource);
        forbid(principal, action, resource) when { context.target.status == "SUSPENDED" };
        """, "target"), Is.True);
}
