using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Agents;

public sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions o)
    {
        var errors = new List<string>();
        if (o.ClockSkew < TimeSpan.Zero || o.ClockSkew > TimeSpan.FromMinutes(5))
            errors.Add($"{AgentOptions.Section}:ClockSkew must be between 00:00:00 and 00:05:00.");
        if (o.DpopProofLifetime < TimeSpan.FromSeconds(1) || o.DpopProofLifetime > TimeSpan.FromMinutes(10))
            errors.Add($"{AgentOptions.Section}:DpopProofLifetime must be between 00:00:01 and 00:10:00.");
        if (o.DpopReplayCacheMaxEntries is < 1000 or > 10_000_000)
            errors.Add($"{AgentOptions.Section}:DpopReplayCacheMaxEntries must be between 1000 and 10000000.");
        if (o.MetadataRefreshInterval < TimeSpan.FromMinutes(1) || o.MetadataRefreshInterval > TimeSpan.FromDays(1))
            errors.Add($"{AgentOptions.Section}:MetadataRefreshInterval must be between 00:01:00 and 1.00:00:00.");
        if (o.MetadataMinimumRefreshInterval < TimeSpan.FromSeconds(1) || o.MetadataMinimumRefreshInterval > o.MetadataRefreshInterval)
            errors.Add($"{AgentOptions.Section}:MetadataMinimumRefreshInterval must be at least 00:00:01 and at most MetadataRefreshInterval.");
        if (o.PersonCacheTtl < TimeSpan.Zero || o.PersonCacheTtl > TimeSpan.FromMinutes(10))
            errors.Add($"{AgentOptions.Section}:PersonCacheTtl must be between 00:00:00 and 00:10:00.");
        if (o.HookMaxBodyBytes is < 1024 or > 10 * 1024 * 1024)
            errors.Add($"{AgentOptions.Section}:HookMaxBodyBytes must be between 1024 and 10485760.");
        if (o.HookRequestsPerSecond is < 1 or > 10_000)
            errors.Add($"{AgentOptions.Section}:HookRequestsPerSecond must be between 1 and 10000.");
        if (o.BackfillInterval < TimeSpan.Zero || (o.BackfillInterval > TimeSpan.Zero && o.BackfillInterval < TimeSpan.FromSeconds(1)))
            errors.Add($"{AgentOptions.Section}:BackfillInterval must be 00:00:00 (off) or at least 00:00:01.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
