using System.Globalization;
using System.Security.Cryptography;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Crypto.Hpke;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Crypto.Vault;

/// <summary>
/// A sealed credential version (FORMATS.md §2): HPKE base mode to the tenant's vault key, with every identifying field in
/// both the HPKE info and the AEAD associated data, so a blob moved to another tenant, credential, version, type or key
/// does not open.
/// </summary>
public static class VaultBlob
{
    public static SealedCredential Seal(string tenantId, string credentialId, int version, string credentialType, string vaultKeyId, MlKem768PublicKey vaultKey, ReadOnlySpan<byte> plaintext)
    {
        var (enc, context) = HpkeMlKem768.SetupBaseSender(vaultKey, Info(tenantId, credentialId, version));
        using (context)
            return new SealedCredential(enc, context.Seal(Aad(tenantId, credentialId, version, credentialType, vaultKeyId), plaintext));
    }

    /// <summary>Opens a sealed version; the caller zeroes the returned plaintext.</summary>
    public static byte[] Open(string tenantId, string credentialId, int version, string credentialType, string vaultKeyId, MlKem768PrivateKey vaultKey, ReadOnlySpan<byte> enc, ReadOnlySpan<byte> ciphertext)
    {
        try
        {
            using var context = HpkeMlKem768.SetupBaseRecipient(enc, vaultKey, Info(tenantId, credentialId, version));
            return context.Open(Aad(tenantId, credentialId, version, credentialType, vaultKeyId), ciphertext);
        }
        catch (CryptographicException e) when (e is not VaultBlobException)
        {
            throw new VaultBlobException("The sealed credential does not open: it was altered or belongs elsewhere.", e);
        }
    }

    /// <summary><c>info = "quantaproxy/vault/v1" || 0x00 || tenant_id || 0x00 || credential_id || 0x00 || v</c>.</summary>
    internal static byte[] Info(string tenantId, string credentialId, int version) => new LengthPrefixedWriter(96)
        .AddRaw("quantaproxy/vault/v1"u8).AddRaw([0]).AddRaw(System.Text.Encoding.UTF8.GetBytes(tenantId)).AddRaw([0])
        .AddRaw(System.Text.Encoding.UTF8.GetBytes(credentialId)).AddRaw([0]).AddRaw(System.Text.Encoding.UTF8.GetBytes(version.ToString(CultureInfo.InvariantCulture))).ToArray();

    /// <summary><c>aad = F("qp-vault-v1") || F(tenant_id) || F(credential_id) || F(v) || F(t) || F(vkk_id)</c>.</summary>
    internal static byte[] Aad(string tenantId, string credentialId, int version, string credentialType, string vaultKeyId) => new LengthPrefixedWriter(160)
        .Add("qp-vault-v1").Add(tenantId).Add(credentialId).Add(version.ToString(CultureInfo.InvariantCulture)).Add(credentialType).Add(vaultKeyId).ToArray();
}

public sealed record SealedCredential(byte[] Enc, byte[] Ciphertext);

public sealed class VaultBlobException(string message, Exception? inner = null) : CryptographicException(message, inner);
