using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Gateway.Caching;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Kms;

namespace QuantaProxy.Gateway.Tenants;

/// <summary>
/// A tenant's keys as the request path needs them: public halves and key metadata from a short-lived cache, private halves
/// unwrapped by KMS at most once per cache lifetime and kept expanded (an ML-DSA or ML-KEM key costs more to expand than
/// to use), zeroed when the cache evicts them.
/// </summary>
public sealed class TenantKeyRing(TenantStore store, IKeyWrapper wrapper, UnwrappedKeyCache cache, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan MetadataLifetime = TimeSpan.FromSeconds(5);
    private const int MaxTenants = 100_000;
    private readonly MetadataCache<string, TenantKeys> _metadata = new(MetadataLifetime, MaxTenants, time);

    public async Task<TenantKeys> GetKeysAsync(string tenantId, CancellationToken ct)
    {
        if (_metadata.TryGet(tenantId, out var cached)) return cached;
        var tenant = await store.FindAsync(tenantId, ct) ?? throw ApiException.NotFound("Tenant");
        var keys = new TenantKeys(tenant, await store.ListKeysAsync(tenantId, ct), await store.ListEnvelopeKeysAsync(tenantId, ct));
        _metadata.Set(tenantId, keys);
        return keys;
    }

    /// <summary>Drops cached metadata after this replica changed a tenant's keys.</summary>
    public void Invalidate(string tenantId) => _metadata.Remove(tenantId);

    public void Dispose() => _metadata.Dispose();

    /// <summary>Runs <paramref name="use"/> with the expanded ML-DSA-65 key; the key must not escape the callback.</summary>
    public ValueTask<T> UseSigningKeyAsync<T>(TenantKeyRecord key, Func<MlDsa65PrivateKey, T> use, CancellationToken ct) =>
        UseAsync(key, static seed => MlDsa65PrivateKey.FromSeed(seed), use, ct);

    /// <summary>The expanded ML-DSA-65 key, held (not disposed, whatever the cache does) until the lease is disposed.</summary>
    public ValueTask<UnwrappedKeyCache.KeyLease<MlDsa65PrivateKey>> LeaseSigningKeyAsync(TenantKeyRecord key, CancellationToken ct) =>
        cache.LeaseAsync(CacheKey(key), Unwrap(key), static seed => MlDsa65PrivateKey.FromSeed(seed), ct);

    /// <summary>Runs <paramref name="use"/> with the expanded ML-KEM-768 vault key; the key must not escape the callback.</summary>
    public ValueTask<T> UseVaultKeyAsync<T>(TenantKeyRecord key, Func<MlKem768PrivateKey, T> use, CancellationToken ct) =>
        UseAsync(key, static seed => MlKem768PrivateKey.FromSeed(seed), use, ct);

    /// <summary>The HMAC key, copied into a buffer the caller zeroes after use.</summary>
    public ValueTask<byte[]> CopyHmacKeyAsync(TenantKeyRecord key, CancellationToken ct) =>
        UseAsync(key, SecretBytes.Copy, static secret => secret.Span.ToArray(), ct);

    private ValueTask<T> UseAsync<TKey, T>(TenantKeyRecord key, Func<ReadOnlySpan<byte>, TKey> expand, Func<TKey, T> use, CancellationToken ct) where TKey : class =>
        cache.UseAsync(CacheKey(key), Unwrap(key), expand, use, ct);

    private static string CacheKey(TenantKeyRecord key) => $"{key.TenantId}/{key.Purpose}/{key.Id}";

    private Func<CancellationToken, Task<byte[]>> Unwrap(TenantKeyRecord key) => async token =>
    {
        // Runs only on a cache miss: the span count is the KMS request count.
        using var activity = Telemetry.GatewayTelemetry.Source.StartActivity("kms.unwrap");
        activity?.SetTag("qp.tenant_id", key.TenantId);
        activity?.SetTag("qp.key_purpose", key.Purpose);
        Telemetry.GatewayTelemetry.KmsUnwraps.Add(1);
        return await wrapper.UnwrapAsync(key.KmsKeyId, key.WrappedSecret, TenantKeyPurpose.EncryptionContext(key.TenantId, key.Purpose, key.Id), token);
    };
}

/// <summary>A snapshot of one tenant's key metadata.</summary>
public sealed class TenantKeys(TenantRecord tenant, IReadOnlyList<TenantKeyRecord> keys, IReadOnlyList<EnvelopeKeyRecord> envelopeKeys)
{
    public TenantRecord Tenant { get; } = tenant;
    public IReadOnlyList<TenantKeyRecord> Keys { get; } = keys;
    public IReadOnlyList<EnvelopeKeyRecord> EnvelopeKeys { get; } = envelopeKeys;

    public TenantKeyRecord Active(string purpose) =>
        Keys.LastOrDefault(k => k.Purpose == purpose && k.Status == KeyStatus.Active)
        ?? throw new InvalidOperationException($"Tenant {Tenant.Id} has no active {purpose} key.");

    public TenantKeyRecord? Find(string id, string purpose) => Keys.FirstOrDefault(k => k.Id == id && k.Purpose == purpose);

    /// <summary>Envelopes are sealed to the most recently registered active envelope key.</summary>
    public EnvelopeKeyRecord? CurrentEnvelopeKey => EnvelopeKeys.LastOrDefault(k => k.Status == KeyStatus.Active);
}
