using System.Security.Cryptography;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Crypto.Vault;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Tenants;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Vault;

/// <summary>
/// Seals credentials to the tenant's active vault key (only its public half is needed) and unseals them with the private
/// half from the KMS-backed key cache. Plaintext exists only in caller-owned buffers that are zeroed after use.
/// </summary>
public sealed class VaultService(CredentialStore store, TenantKeyRing keyRing, UnsealedCredentialCache unsealed, TimeProvider time)
{
    public async Task<CredentialRecord> SealAsync(string tenantId, string credentialType, string name, byte[] secret, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var id = PrefixedId.New(PrefixedId.Vault, now);
        var at = Timestamps.Format(now);
        var version = await SealVersionAsync(tenantId, id, 1, credentialType, secret, at, ct);
        var record = new CredentialRecord(id, tenantId, name, credentialType, 1, CredentialStatus.Active, at, at);
        await store.CreateAsync(record, version, ct);
        return record;
    }

    public async Task<CredentialRecord> RotateAsync(string tenantId, string credentialId, byte[] secret, CancellationToken ct)
    {
        var current = await FindActiveAsync(tenantId, credentialId, ct);
        SealRequestReader.ValidateSecret(current.CredentialType, secret);
        var at = Timestamps.Format(time.GetUtcNow());
        var next = await SealVersionAsync(tenantId, credentialId, current.CurrentVersion + 1, current.CredentialType, secret, at, ct);
        if (!await store.RotateAsync(tenantId, credentialId, current.CurrentVersion, next, ct))
            throw new ApiException(409, ProblemCodes.Conflict, "The credential changed while rotating; retry.");
        unsealed.Evict(tenantId, credentialId, current.CurrentVersion);
        return current with { CurrentVersion = next.Version, UpdatedAt = at };
    }

    public async Task DestroyAsync(string tenantId, string credentialId, CancellationToken ct)
    {
        var before = await store.FindAsync(tenantId, credentialId, ct);
        if (!await store.DestroyAsync(tenantId, credentialId, Timestamps.Format(time.GetUtcNow()), ct))
            throw ApiException.NotFound("Credential");
        // Calls already refuse the destroyed credential (they read its row first); this frees the plaintext at once.
        if (before is not null) unsealed.Evict(tenantId, credentialId, before.CurrentVersion);
    }

    public async Task<CredentialRecord> FindActiveAsync(string tenantId, string credentialId, CancellationToken ct)
    {
        var record = await store.FindAsync(tenantId, credentialId, ct);
        if (record is null || record.Status != CredentialStatus.Active) throw ApiException.NotFound("Credential");
        return record;
    }

    /// <summary>The current version's plaintext. The caller zeroes the returned buffer.</summary>
    public async Task<(CredentialRecord Record, byte[] Plaintext)> UnsealAsync(string tenantId, string credentialId, CancellationToken ct)
    {
        using var activity = Telemetry.GatewayTelemetry.Source.StartActivity("vault.unseal");
        activity?.SetTag("qp.tenant_id", tenantId);
        activity?.SetTag("qp.credential_id", credentialId);
        // The row is read on every call, cached plaintext or not: it says whether the credential may still be used.
        var record = await FindActiveAsync(tenantId, credentialId, ct);
        var keep = unsealed.Keeps(record.CredentialType);
        activity?.SetTag("qp.vault.cache", keep ? "on" : "off");
        var plaintext = keep
            ? await unsealed.CopyAsync(tenantId, credentialId, record.CurrentVersion, token => OpenVersionAsync(record, token), ct)
            : await OpenVersionAsync(record, ct);
        return (record, plaintext);
    }

    private async Task<byte[]> OpenVersionAsync(CredentialRecord record, CancellationToken ct)
    {
        var version = await store.FindVersionAsync(record.Id, record.CurrentVersion, ct);
        if (version?.Enc is null || version.Ciphertext is null) throw ApiException.NotFound("Credential");
        var keys = await keyRing.GetKeysAsync(record.TenantId, ct);
        var vaultKeyRecord = keys.Find(version.VaultKeyId, TenantKeyPurpose.VaultKem)
                             ?? throw new InvalidOperationException("A credential names a vault key its tenant does not have.");
        using var activity = Telemetry.GatewayTelemetry.Source.StartActivity("vault.decapsulate");
        activity?.SetTag("qp.credential_id", record.Id);
        activity?.SetTag("qp.credential_version", record.CurrentVersion);
        return await keyRing.UseVaultKeyAsync(vaultKeyRecord,
            vaultKey => VaultBlob.Open(record.TenantId, record.Id, version.Version, record.CredentialType, version.VaultKeyId, vaultKey, version.Enc, version.Ciphertext), ct);
    }

    private async Task<CredentialVersionRecord> SealVersionAsync(string tenantId, string credentialId, int version, string credentialType, byte[] secret, string at, CancellationToken ct)
    {
        var keys = await keyRing.GetKeysAsync(tenantId, ct);
        var vaultKey = keys.Active(TenantKeyPurpose.VaultKem);
        var sealedBlob = VaultBlob.Seal(tenantId, credentialId, version, credentialType, vaultKey.Id, MlKem768PublicKey.FromEncoding(vaultKey.PublicKey!), secret);
        return new CredentialVersionRecord(credentialId, version, vaultKey.Id, sealedBlob.Enc, sealedBlob.Ciphertext, at, null);
    }
}
