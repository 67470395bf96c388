using QuantaProxy.Gateway.Policies;

namespace QuantaProxy.Gateway.Tests.Policies;

public sealed class PolicyOptionsValidatorTests
{
    private static IEnumerable<string> Failures(PolicyOptions options) =>
        new PolicyOptionsValidator().Validate(null, options).Failures ?? [];

    [Test]
    public void The_defaults_are_valid() => Assert.That(Failures(new PolicyOptions()), Is.Empty);

    [TestCase(nameof(PolicyOptions.TargetGroupCacheTtl))]
    [TestCase(nameof(PolicyOptions.CallCountFlushInterval))]
    [TestCase(nameof(PolicyOptions.CacheTtl))]
    [TestCase(nameof(PolicyOptions.ApprovalLifetime))]
    [TestCase(nameof(PolicyOptions.MaxTextBytes))]
    [TestCase(nameof(PolicyOptions.MaxPolicies))]
    public void An_out_of_range_setting_is_refused_naming_it(string setting)
    {
        var options = new PolicyOptions();
        switch (setting)
        {
            case nameof(PolicyOptions.TargetGroupCacheTtl): options.TargetGroupCacheTtl = TimeSpan.FromHours(1); break;
            case nameof(PolicyOptions.CallCountFlushInterval): options.CallCountFlushInterval = TimeSpan.FromMinutes(1); break;
            case nameof(PolicyOptions.CacheTtl): options.CacheTtl = TimeSpan.FromSeconds(5); break;
            case nameof(PolicyOptions.ApprovalLifetime): options.ApprovalLifetime = TimeSpan.FromDays(30); break;
            case nameof(PolicyOptions.MaxTextBytes): options.MaxTextBytes = 10; break;
            case nameof(PolicyOptions.MaxPolicies): options.MaxPolicies = 0; break;
        }
        Assert.That(Failures(options).Single(), Does.StartWith($"{PolicyOptions.Section}:{setting} "));
    }
}
