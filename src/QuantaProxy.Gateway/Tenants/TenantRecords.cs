namespace QuantaProxy.Gateway.Tenants;

public sealed record TenantRecord(string Id, string Name, string KmsKeyId, string CreatedAt);

/// <summary>A private key of a tenant as stored: only its KMS ciphertext, plus the public half where there is one.</summary>
public sealed record TenantKeyRecord(
    string Id,
    string Purpose,
    string TenantId,
    byte[]? PublicKey,
    byte[] WrappedSecret,
    string KmsKeyId,
    string Status,
    string CreatedAt,
    string? RetiredAt);

public sealed record EnvelopeKeyRecord(string Id, string TenantId, byte[] PublicKey, string Status, string CreatedAt, string? RetiredAt);

public static class KeyStatus
{
    public const string Active = "active";
    public const string Retired = "retired";
}
