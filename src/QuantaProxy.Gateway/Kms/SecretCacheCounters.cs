namespace QuantaProxy.Gateway.Kms;

/// <summary>A snapshot of a <see cref="SecretCache{TSecret}"/>'s counters, cumulative since the cache was created.</summary>
/// <param name="Hits">Uses served by an entry already in memory.</param>
/// <param name="Misses">Uses that found no usable entry and waited for a load (their own or a concurrent one).</param>
/// <param name="Loads">Calls made to a load function (concurrent misses of one key share one call).</param>
/// <param name="LoadFailures">Loads that failed; failures are never cached.</param>
/// <param name="Evictions">Entries dropped to stay within the entry bound, or invalidated explicitly.</param>
/// <param name="Expirations">Entries dropped because their time or uses ran out.</param>
/// <param name="Entries">Entries in memory now.</param>
public readonly record struct SecretCacheCounters(
    long Hits,
    long Misses,
    long Loads,
    long LoadFailures,
    long Evictions,
    long Expirations,
    int Entries);
