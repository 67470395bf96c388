using System.Collections.Concurrent;
using System.Security.Cryptography;
using QuantaProxy.Gateway.ApiKeys;

namespace QuantaProxy.Gateway.Auth;

/// <summary>
/// Resolves <c>X-API-Key</c> to a caller. Lookups go by the key's SHA-256; the stored hash is then compared again in
/// constant time. Answers are cached for a few seconds so the hot path does not hit the database on every call; a
/// revocation on this replica takes effect at once, on other replicas within <see cref="CacheLifetime"/>.
/// </summary>
public sealed class ApiKeyAuthenticator(ApiKeyStore store, TimeProvider time)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);
    private const int MaxCacheEntries = 10_000;
    private readonly ConcurrentDictionary<string, (ApiKeyRecord? Record, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    public async Task<CallerContext?> AuthenticateAsync(string? presented, CancellationToken ct)
    {
        if (presented is null || !ApiKeyFormat.IsWellFormed(presented)) return null;
        var hash = ApiKeyFormat.Hash(presented);
        var cacheKey = Convert.ToHexString(hash);
        var now = time.GetUtcNow();
        ApiKeyRecord? record;
        if (_cache.TryGetValue(cacheKey, out var cached) && cached.Expires > now)
        {
            record = cached.Record;
        }
        else
        {
            record = await store.FindByHashAsync(hash, ct);
            if (_cache.Count >= MaxCacheEntries) _cache.Clear();
            _cache[cacheKey] = (record, now + CacheLifetime);
        }
        if (record is null || record.RevokedAt is not null) return null;
        if (!CryptographicOperations.FixedTimeEquals(record.KeyHash, hash)) return null;
        return new CallerContext(record.Id, record.TenantId, record.Scopes);
    }

    public void Forget(byte[] keyHash) => _cache.TryRemove(Convert.ToHexString(keyHash), out _);

    public void ForgetAll() => _cache.Clear();
}
