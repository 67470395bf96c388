using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Policies;

public sealed class PolicyOptions
{
    public const string Section = "QuantaProxy:Policies";

    /// <summary>The largest policy text a tenant may upload, in UTF-8 bytes.</summary>
    public int MaxTextBytes { get; set; } = 256 * 1024;

    /// <summary>The most policies one tenant's set may hold.</summary>
    public int MaxPolicies { get; set; } = 1000;

    /// <summary>
    /// How long a replica keeps a tenant's active policy set and kill switches before re-reading them (at most one second,
    /// so an upload or a kill switch holds on every replica within that time).
    /// </summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a replica reuses what Okta said about a group a call acts on (<c>context.target_group</c>); zero reads it every time.</summary>
    public TimeSpan TargetGroupCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a replica adds the calls it counted for <c>context.calls_today</c> to the shared count, and how old the
    /// shared count it reads may be: across replicas the count lags by at most this. Zero writes every call durably.
    /// </summary>
    public TimeSpan CallCountFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a call held for approval waits for its approvals before it expires (never run).</summary>
    public TimeSpan ApprovalLifetime { get; set; } = TimeSpan.FromHours(24);
}

public sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions o)
    {
        var errors = new List<string>();
        if (o.MaxTextBytes is < 1024 or > 1 << 20)
            errors.Add($"{PolicyOptions.Section}:MaxTextBytes must be between 1024 and 1048576.");
        if (o.MaxPolicies is < 1 or > 10_000)
            errors.Add($"{PolicyOptions.Section}:MaxPolicies must be between 1 and 10000.");
        if (o.CacheTtl < TimeSpan.Zero || o.CacheTtl > TimeSpan.FromSeconds(1))
            errors.Add($"{PolicyOptions.Section}:CacheTtl must be between 00:00:00 and 00:00:01.");
        if (o.ApprovalLifetime < TimeSpan.FromMinutes(1) || o.ApprovalLifetime > TimeSpan.FromDays(7))
            errors.Add($"{PolicyOptions.Section}:ApprovalLifetime must be between 00:01:00 and 7.00:00:00.");
        if (o.TargetGroupCacheTtl < TimeSpan.Zero || o.TargetGroupCacheTtl > TimeSpan.FromMinutes(5))
            errors.Add($"{PolicyOptions.Section}:TargetGroupCacheTtl must be between 00:00:00 and 00:05:00.");
        if (o.CallCountFlushInterval < TimeSpan.Zero || o.CallCountFlushInterval > TimeSpan.FromSeconds(10))
            errors.Add($"{PolicyOptions.Section}:CallCountFlushInterval must be between 00:00:00 and 00:00:10.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
