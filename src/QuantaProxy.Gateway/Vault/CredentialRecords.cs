namespace QuantaProxy.Gateway.Vault;

public static class CredentialTypes
{
    public const string ApiKey = "api_key";
    public const string OAuth2Client = "oauth2_client";
    public const string PrivateKeyJwt = "private_key_jwt";

    public static bool IsKnown(string? type) => type is ApiKey or OAuth2Client or PrivateKeyJwt;
}

public sealed record CredentialRecord(string Id, string TenantId, string Name, string CredentialType, int CurrentVersion, string Status, string CreatedAt, string UpdatedAt);

/// <summary>One sealed version (FORMATS.md §2). <see cref="Enc"/> and <see cref="Ciphertext"/> are null once destroyed.</summary>
public sealed record CredentialVersionRecord(string CredentialId, int Version, string VaultKeyId, byte[]? Enc, byte[]? Ciphertext, string CreatedAt, string? DestroyedAt);

public static class CredentialStatus
{
    public const string Active = "active";
    public const string Destroyed = "destroyed";
}
