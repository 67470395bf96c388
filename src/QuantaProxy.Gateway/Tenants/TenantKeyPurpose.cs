namespace QuantaProxy.Gateway.Tenants;

/// <summary>The <c>qp:purpose</c> values of FORMATS.md §2: every private key a tenant has, each wrapped by KMS.</summary>
public static class TenantKeyPurpose
{
    public const string VaultKem = "vault-kem";
    public const string EnvelopeSigning = "envelope-signing";
    public const string EnvelopeHmac = "envelope-hmac";
    public const string AuditCheckpoint = "audit-checkpoint";

    /// <summary>The KMS encryption context that binds a wrapped key to its tenant, purpose and id.</summary>
    public static Dictionary<string, string> EncryptionContext(string tenantId, string purpose, string keyId) => new(StringComparer.Ordinal)
    {
        ["qp:tenant"] = tenantId,
        ["qp:purpose"] = purpose,
        ["qp:key"] = keyId,
    };
}
