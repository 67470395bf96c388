namespace QuantaProxy.Gateway.Agents;

public sealed class AgentOptions
{
    public const string Section = "QuantaProxy:Agents";

    /// <summary>Clock difference tolerated on token lifetimes and DPoP proof times.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How old (by its <c>iat</c>) a DPoP proof may be; its <c>jti</c> is remembered this long (plus the skew).</summary>
    public TimeSpan DpopProofLifetime { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Proof ids remembered at once per replica; past it new proofs are refused (fail closed) until old ones age out.</summary>
    public int DpopReplayCacheMaxEntries { get; set; } = 100_000;
    /// <summary>Issuer metadata and keys are refetched this often, and on an unknown key id at most once per <see cref="MetadataMinimumRefreshInterval"/>.</summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan MetadataMinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long a person's Okta status and groups, read through the integration, are reused.</summary>
    public TimeSpan PersonCacheTtl { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Largest event hook delivery accepted.</summary>
    public int HookMaxBodyBytes { get; set; } = 256 * 1024;
    /// <summary>Hook calls accepted per tenant per second (a flood gets 429).</summary>
    public int HookRequestsPerSecond { get; set; } = 20;
    /// <summary>How often Okta's System Log is read for revocations a hook delivery may have missed (00:00:00 disables).</summary>
    public TimeSpan BackfillInterval { get; set; } = TimeSpan.FromMinutes(5);
}
