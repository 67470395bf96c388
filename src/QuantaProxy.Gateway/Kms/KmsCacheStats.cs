namespace QuantaProxy.Gateway.Kms;

/// <summary>A snapshot of <see cref="UnwrappedKeyCache"/> (or unsealed credential cache) counters, cumulative since the cache was created.</summary>
/// <param name="Hits">Uses served by a key already in memory.</param>
/// <param name="Misses">Uses that found no usable key in memory and waited for an unwrap (their own or a concurrent one).</param>
/// <param name="UnwrapCalls">Calls made to the unwrap function (concurrent misses of one key share one call).</param>
/// <param name="UnwrapFailures">Unwrap or expand calls that failed; failures are never cached.</param>
/// <param name="Evictions">Keys dropped to stay within <c>CacheMaxEntries</c>, or removed explicitly.</param>
/// <param name="Expirations">Keys dropped because their time (<c>CacheTtl</c>) or uses (<c>CacheMaxUses</c>) ran out.</param>
/// <param name="Entries">Keys in memory now.</param>
public readonly record struct KmsCacheStats(
    long Hits,
    long Misses,
    long UnwrapCalls,
    long UnwrapFailures,
    long Evictions,
    long Expirations,
    int Entries)
{
    internal static KmsCacheStats From(SecretCacheCounters counters) =>
        new(counters.Hits, counters.Misses, counters.Loads, counters.LoadFailures, counters.Evictions, counters.Expirations, counters.Entries);
}
