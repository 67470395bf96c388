namespace QuantaProxy.OktaSandbox;

/// <summary>How the local Okta org is seeded and limited.</summary>
public sealed class SandboxOptions
{
    /// <summary>SSWS API tokens the org accepts (<c>Authorization: SSWS &lt;token&gt;</c>).</summary>
    public List<string> ApiTokens { get; } = [];

    public int SeedUsers { get; set; } = 250;
    public int SeedGroups { get; set; } = 30;
    public int SeedApps { get; set; } = 12;
    public int SeedLogEvents { get; set; } = 1500;

    /// <summary>Requests per minute per endpoint family (users, groups, apps, logs), as Okta's per-endpoint buckets.</summary>
    public int RateLimitPerMinute { get; set; } = 6000;
}
