using System.Security.Cryptography;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Tenants;

/// <summary>Creates tenants and their keys. Private keys exist in clear only in zeroed buffers between generation and KMS wrapping.</summary>
public sealed class TenantService(TenantStore store, IKeyWrapper wrapper, Microsoft.Extensions.Options.IOptions<KmsOptions> kms, TenantKeyRing keyRing, TimeProvider time)
{
    public sealed record CreatedTenant(string TenantId, string Name, byte[] HmacKey, string SigningKeyId, string VaultKeyId, string CheckpointKeyId);

    public async Task<CreatedTenant> CreateAsync(string name, string? kmsKeyId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var createdAt = Timestamps.Format(now);
        var tenantId = PrefixedId.New(PrefixedId.Tenant, now);
        var kmsKey = !string.IsNullOrEmpty(kmsKeyId) ? kmsKeyId : kms.Value.KeyId ?? "local";
        var signingId = PrefixedId.New(PrefixedId.SigningKey, now);
        var vaultId = PrefixedId.New(PrefixedId.VaultKey, now);
        var checkpointId = PrefixedId.New(PrefixedId.SigningKey, now);

        var signingSeed = MlDsa65.GenerateSeed();
        var hmacKey = RandomNumberGenerator.GetBytes(64);
        var vaultSeed = MlKem768.GenerateSeed();
        var checkpointSeed = MlDsa65.GenerateSeed();
        try
        {
            var keys = new List<TenantKeyRecord>
            {
                await WrapAsync(tenantId, signingId, TenantKeyPurpose.EnvelopeSigning, MlDsa65PrivateKey.FromSeed(signingSeed).PublicKey.ToArray(), signingSeed, kmsKey, createdAt, ct),
                await WrapAsync(tenantId, signingId, TenantKeyPurpose.EnvelopeHmac, null, hmacKey, kmsKey, createdAt, ct),
                await WrapAsync(tenantId, vaultId, TenantKeyPurpose.VaultKem, MlKem768PrivateKey.FromSeed(vaultSeed).PublicKey.ToArray(), vaultSeed, kmsKey, createdAt, ct),
                await WrapAsync(tenantId, checkpointId, TenantKeyPurpose.AuditCheckpoint, MlDsa65PrivateKey.FromSeed(checkpointSeed).PublicKey.ToArray(), checkpointSeed, kmsKey, createdAt, ct),
            };
            await store.CreateAsync(new TenantRecord(tenantId, name, kmsKey, createdAt), keys, ct);
            return new CreatedTenant(tenantId, name, (byte[])hmacKey.Clone(), signingId, vaultId, checkpointId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(signingSeed);
            CryptographicOperations.ZeroMemory(hmacKey);
            CryptographicOperations.ZeroMemory(vaultSeed);
            CryptographicOperations.ZeroMemory(checkpointSeed);
        }
    }

    /// <summary>
    /// Adds a new signing key (with its HMAC key) or vault key; the previous one is retired but kept, so older envelopes still
    /// verify and older credential versions still unseal. Returns the new key id (and, for signing, the new HMAC key once).
    /// </summary>
    public async Task<(string KeyId, byte[]? HmacKey)> RotateAsync(string tenantId, string purpose, CancellationToken ct)
    {
        var keys = await keyRing.GetKeysAsync(tenantId, ct);
        var now = time.GetUtcNow();
        var createdAt = Timestamps.Format(now);
        var kmsKey = keys.Tenant.KmsKeyId;
        switch (purpose)
        {
            case TenantKeyPurpose.EnvelopeSigning:
            {
                var id = PrefixedId.New(PrefixedId.SigningKey, now);
                var seed = MlDsa65.GenerateSeed();
                var hmac = RandomNumberGenerator.GetBytes(64);
                try
                {
                    var signing = await WrapAsync(tenantId, id, purpose, MlDsa65PrivateKey.FromSeed(seed).PublicKey.ToArray(), seed, kmsKey, createdAt, ct);
                    var hmacRecord = await WrapAsync(tenantId, id, TenantKeyPurpose.EnvelopeHmac, null, hmac, kmsKey, createdAt, ct);
                    await store.AddKeyAsync(hmacRecord, retirePrevious: true, ct);
                    await store.AddKeyAsync(signing, retirePrevious: true, ct);
                    keyRing.Invalidate(tenantId);
                    return (id, (byte[])hmac.Clone());
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(seed);
                    CryptographicOperations.ZeroMemory(hmac);
                }
            }
            case TenantKeyPurpose.VaultKem:
            {
                var id = PrefixedId.New(PrefixedId.VaultKey, now);
                var seed = MlKem768.GenerateSeed();
                try
                {
                    await store.AddKeyAsync(await WrapAsync(tenantId, id, purpose, MlKem768PrivateKey.FromSeed(seed).PublicKey.ToArray(), seed, kmsKey, createdAt, ct), retirePrevious: true, ct);
                    keyRing.Invalidate(tenantId);
                    return (id, null);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(seed);
                }
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Only signing and vault keys rotate.");
        }
    }

    private async Task<TenantKeyRecord> WrapAsync(string tenantId, string keyId, string purpose, byte[]? publicKey, byte[] secret, string kmsKey, string createdAt, CancellationToken ct)
    {
        var wrapped = await wrapper.WrapAsync(kmsKey, secret, TenantKeyPurpose.EncryptionContext(tenantId, purpose, keyId), ct);
        return new TenantKeyRecord(keyId, purpose, tenantId, publicKey, wrapped, kmsKey, KeyStatus.Active, createdAt, null);
    }
}
