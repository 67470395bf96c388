namespace QuantaProxy.Policy.Tests;

public class LimitsTests
{
    [Test]
    public void Deep_nesting_is_refused_at_parse_time()
    {
        var text = $"permit(principal, action, resource) when {{ {new string('(', 100)}true{new string(')', 100)} }};";
        var e = Assert.Throws<PolicyParseException>(() => PolicySet.Parse(text))!;
        Assert.That(e.Reason, Does.Contain("nesting"));
        Assert.DoesNotThrow(() => PolicySet.Parse(text, PolicyLimits.Default with { MaxNestingDepth = 200 }));
    }

    [Test]
    public void Long_attribute_chains_count_towards_the_depth()
    {
        var text = $"permit(principal, action, resource) when {{ context{string.Concat(Enumerable.Repeat(".a", 70))} }};";
        Assert.Throws<PolicyParseException>(() => PolicySet.Parse(text));
    }

    [Test]
    public void Long_flat_chains_are_fine_because_they_do_not_nest()
    {
        var text = $"permit(principal, action, resource) when {{ {string.Join(" && ", Enumerable.Repeat("true", 5000))} && {string.Join(" + ", Enumerable.Repeat("1", 5000))} == 5000 }};";
        var set = PolicySet.Parse(text);
        Assert.That(Authorizer.IsAuthorized(new Request(Cedar.Alice, Cedar.ListUsers, Cedar.Okta), EntityStore.Empty, set).IsAllowed, Is.True);
    }

    [Test]
    public void Hostile_nesting_beyond_any_limit_is_an_error_not_a_crash()
    {
        var text = $"permit(principal, action, resource) when {{ {new string('[', 1_000_000)} }};";
        var limits = PolicyLimits.Default with { MaxTextLength = 2_000_000, MaxNestingDepth = PolicyLimits.HardMaxNestingDepth };
        Assert.Throws<PolicyParseException>(() => PolicySet.Parse(text, limits));
        Assert.Throws<PolicyParseException>(() => PolicySet.Parse(new string('!', 1_000_000) + "x", limits));
    }

    [Test]
    public void Text_length_and_policy_count_are_bounded()
    {
        var two = "permit(principal, action, resource);\npermit(principal, action, resource);";
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<PolicyParseException>(() => PolicySet.Parse(two, PolicyLimits.Default with { MaxPolicies = 1 }))!.Line, Is.EqualTo(2));
            Assert.That(Assert.Throws<PolicyParseException>(() => PolicySet.Parse(two, PolicyLimits.Default with { MaxTextLength = 10 }))!.Reason, Does.Contain("over the limit"));
            Assert.Throws<ArgumentOutOfRangeException>(() => PolicySet.Parse(two, PolicyLimits.Default with { MaxNestingDepth = 100_000 }));
        });
    }
}
