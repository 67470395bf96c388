using System.Security.Cryptography;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Caching;

namespace QuantaProxy.Gateway.Auth;

/// <summary>
/// Resolves <c>X-API-Key</c> to a caller. Lookups go by the key's SHA-256; the stored hash is then compared again in
/// constant time. Answers are cached for a few seconds so the hot path does not hit the database on every call; a
/// revocation on this replica takes effect at once (a lookup already in flight when it happens is not cached), on other
/// replicas within <see cref="CacheLifetime"/>.
/// </summary>
public sealed class ApiKeyAuthenticator : IDisposable
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);
    private const int MaxCacheEntries = 10_000;
    private readonly MetadataCache<string, ApiKeyRecord?> _cache;
    private readonly Func<byte[], CancellationToken, Task<ApiKeyRecord?>> _lookup;
    private readonly Lock _gate = new();
    private long _generation;

    public ApiKeyAuthenticator(ApiKeyStore store, TimeProvider time) : this(store.FindByHashAsync, time)
    {
    }

    internal ApiKeyAuthenticator(Func<byte[], CancellationToken, Task<ApiKeyRecord?>> lookup, TimeProvider time)
    {
        _lookup = lookup;
        _cache = new MetadataCache<string, ApiKeyRecord?>(CacheLifetime, MaxCacheEntries, time);
    }

    public async Task<CallerContext?> AuthenticateAsync(string? presented, CancellationToken ct)
    {
        if (presented is null || !ApiKeyFormat.IsWellFormed(presented)) return null;
        var hash = ApiKeyFormat.Hash(presented);
        var cacheKey = Convert.ToHexString(hash);
        ApiKeyRecord? record;
        if (!_cache.TryGet(cacheKey, out record))
        {
            var generation = Interlocked.Read(ref _generation);
            record = await _lookup(hash, ct);
            lock (_gate)
            {
                // A revocation since the lookup started may not have been visible to it: its answer is used once, not kept.
                if (_generation == generation) _cache.Set(cacheKey, record);
            }
        }
        if (record is null || record.RevokedAt is not null) return null;
        if (!CryptographicOperations.FixedTimeEquals(record.KeyHash, hash)) return null;
        return new CallerContext(record.Id, record.TenantId, record.Scopes);
    }

    public void Forget(byte[] keyHash)
    {
        lock (_gate)
        {
            _generation++;
            _cache.Remove(Convert.ToHexString(keyHash));
        }
    }

    public void ForgetAll()
    {
        lock (_gate)
        {
            _generation++;
            _cache.Clear();
        }
    }

    public void Dispose() => _cache.Dispose();
}
