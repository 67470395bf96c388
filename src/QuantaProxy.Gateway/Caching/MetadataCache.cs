using Microsoft.Extensions.Caching.Memory;

namespace QuantaProxy.Gateway.Caching;

/// <summary>
/// A bounded, expiring cache for metadata read from storage or from Okta (key records, policy sets, people): values
/// that are safe to keep in ordinary managed memory and to let the garbage collector reclaim. Secret material goes in
/// <see cref="Kms.SecretCache{TSecret}"/> instead, which zeroes what it drops.
/// </summary>
/// <remarks>
/// Every entry lives for the cache's lifetime from when it was set (absolute, not sliding, so a hot entry is still
/// re-read on schedule and other replicas' writes show within that time). At most <c>maxEntries</c> are kept: beyond
/// that, new entries are refused while the framework's cache compacts (expired entries first, then the least recently
/// used), so a flood of distinct keys cannot grow memory.
/// </remarks>
public sealed class MetadataCache<TKey, TValue> : IDisposable
    where TKey : notnull
{
    private readonly MemoryCache _cache;
    private readonly TimeSpan _lifetime;

    public MetadataCache(TimeSpan lifetime, int maxEntries, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        ArgumentNullException.ThrowIfNull(time);
        _lifetime = lifetime;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxEntries, Clock = new TimeProviderClock(time) });
    }

    public int Count => _cache.Count;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_cache.TryGetValue(key, out var cached))
        {
            value = (TValue)cached!;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Keeps <paramref name="value"/> for the cache's lifetime; with a zero lifetime (caching turned off) keeps nothing.</summary>
    public void Set(TKey key, TValue value)
    {
        if (_lifetime == TimeSpan.Zero)
            return;
        using var entry = _cache.CreateEntry(key);
        entry.Size = 1;
        entry.AbsoluteExpirationRelativeToNow = _lifetime;
        entry.Value = value;
    }

    public void Remove(TKey key) => _cache.Remove(key);

    /// <summary>Drops every entry whose key and value match; for invalidations that name something other than the key.</summary>
    public void RemoveWhere(Func<TKey, TValue, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        foreach (var key in _cache.Keys)
            if (key is TKey typed && TryGet(typed, out var value) && match(typed, value))
                _cache.Remove(key);
    }

    public void Clear() => _cache.Clear();

    public void Dispose() => _cache.Dispose();
}
