namespace QuantaProxy.Gateway.ApiKeys;

/// <summary>An API key as stored: never the key itself, only SHA-256 of it (the key is 256 random bits, so a fast hash is enough).</summary>
public sealed record ApiKeyRecord(string Id, string? TenantId, string Name, byte[] KeyHash, IReadOnlyList<string> Scopes, string CreatedAt, string? RevokedAt)
{
    public bool IsAdmin => Scopes.Contains(ApiScopes.Admin);
}
