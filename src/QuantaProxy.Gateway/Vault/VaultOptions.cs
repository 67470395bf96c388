namespace QuantaProxy.Gateway.Vault;

/// <summary>Configuration section <c>QuantaProxy:Vault</c>.</summary>
public sealed class VaultOptions
{
    public const string Section = "QuantaProxy:Vault";

    /// <summary>
    /// How long an unsealed <c>api_key</c> credential version stays in memory (pinned, zeroed when it leaves), so that a
    /// proxied call does not decapsulate it again. Counted from the unseal, not from the last use. Zero turns the cache off:
    /// every call then unseals. Other credential types are never kept: a service app's key is needed only to sign in.
    /// </summary>
    public TimeSpan UnsealedCacheTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most unsealed credential versions kept at once (least recently used dropped first).</summary>
    public int UnsealedCacheMaxEntries { get; set; } = 1000;
}
