using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// Keeps unwrapped keys in memory, in their expanded form (an ML-DSA or ML-KEM private key object, or
/// <see cref="SecretBytes"/>), so that KMS is called once per key per <c>CacheTtl</c> and not once per request.
/// </summary>
/// <remarks>
/// <para>An entry expires <c>CacheTtl</c> after its unwrap or after <c>CacheMaxUses</c> uses, whichever comes first;
/// at most <c>CacheMaxEntries</c> are kept (least recently used dropped first). A dropped entry's expanded object
/// is disposed (which must zero any secret it holds) as soon as no caller is using it. The unwrapped bytes
/// themselves are zeroed right after expansion: the entry keeps only the expanded object.</para>
/// <para>Concurrent misses of one key make a single unwrap call. A failed unwrap is never cached: while KMS is down,
/// entries already in memory keep serving until they expire, later calls fail with the unwrap's
/// <see cref="KmsUnavailableException"/>, and the first call after KMS returns succeeds again.</para>
/// <para>The cache key must identify one wrapped key exactly (for example <c>ten_…/vault-kem/vkk_…</c>): on a hit,
/// the unwrap function is not called.</para>
/// <para>Every kind of key shares one <see cref="SecretCache{TSecret}"/>, so <c>CacheMaxEntries</c> bounds them together
/// and a cache key names one key whatever type a caller asks for it as.</para>
/// </remarks>
public sealed class UnwrappedKeyCache : IDisposable
{
    public const int MaxCacheKeyLength = SecretCacheKey.MaxLength;

    private readonly SecretCache<ExpandedKey> _cache;

    public UnwrappedKeyCache(IOptions<KmsOptions> options, TimeProvider timeProvider)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.CacheTtl, options.Value.CacheMaxUses, options.Value.CacheMaxEntries, timeProvider, "kms")
    {
    }

    /// <param name="name">The <c>cache</c> tag of this cache's lookups in <c>quantaproxy.keys.cache_lookups</c>.</param>
    public UnwrappedKeyCache(TimeSpan ttl, long maxUses, int maxEntries, TimeProvider timeProvider, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero, "CacheTtl");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUses, 1, "CacheMaxUses");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1, "CacheMaxEntries");
        _cache = new SecretCache<ExpandedKey>(ttl, maxUses, maxEntries, timeProvider, name);
    }

    /// <summary>
    /// Runs <paramref name="use"/> with the expanded key of <paramref name="cacheKey"/>, unwrapping and expanding it
    /// first when it is not in memory. The expanded object is valid only inside <paramref name="use"/>: it may be
    /// disposed as soon as <paramref name="use"/> returns, so do not keep it. It is shared between concurrent callers
    /// and must be safe for concurrent use.
    /// </summary>
    /// <param name="cacheKey">Identifies one wrapped key, e.g. <c>tenant/purpose/key id</c>; at most 512 characters.</param>
    /// <param name="unwrap">Returns the secret (typically <see cref="IKeyWrapper.UnwrapAsync"/>). The cache zeroes the returned array after <paramref name="expand"/>. Called at most once at a time per cache key; its token is cancelled only when the cache is disposed, so one caller giving up does not fail the others.</param>
    /// <param name="expand">Builds the expanded key from the secret (e.g. <c>MlDsa65PrivateKey.FromSeed</c>, or <see cref="SecretBytes.Copy"/>). Must copy what it keeps.</param>
    /// <param name="use">The operation that needs the key (sign, decapsulate, MAC).</param>
    /// <param name="ct">Stops this caller's wait for an unwrap.</param>
    /// <exception cref="KmsUnavailableException">From <paramref name="unwrap"/>, when the key is not in memory and KMS is unavailable.</exception>
    /// <exception cref="KeyUnwrapException">From <paramref name="unwrap"/>, when KMS refuses the ciphertext or context.</exception>
    /// <exception cref="InvalidOperationException">The cache key already holds an expanded key of another type.</exception>
    public ValueTask<TResult> UseAsync<TKey, TResult>(
        string cacheKey,
        Func<CancellationToken, Task<byte[]>> unwrap,
        Func<ReadOnlySpan<byte>, TKey> expand,
        Func<TKey, TResult> use,
        CancellationToken ct)
        where TKey : class
    {
        ArgumentNullException.ThrowIfNull(use);
        return _cache.UseAsync(cacheKey, Load(cacheKey, unwrap, expand), expanded => use(expanded.As<TKey>(cacheKey)), ct);
    }

    /// <summary>
    /// Like <see cref="UseAsync"/>, but the key stays leased until the returned lease is disposed, for work that must
    /// not start unless the key is in hand and may finish on another thread (for example: sign only after the audit
    /// event that names the signature is durable, without risking that the key cannot be had by then). While leased the
    /// key is not disposed, even if its entry expires or is evicted. Dispose the lease exactly once.
    /// </summary>
    public async ValueTask<KeyLease<TKey>> LeaseAsync<TKey>(
        string cacheKey,
        Func<CancellationToken, Task<byte[]>> unwrap,
        Func<ReadOnlySpan<byte>, TKey> expand,
        CancellationToken ct)
        where TKey : class
    {
        var lease = await _cache.LeaseAsync(cacheKey, Load(cacheKey, unwrap, expand), ct).ConfigureAwait(false);
        try
        {
            return new KeyLease<TKey>(lease.Secret.As<TKey>(cacheKey), lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>A key held out of the cache; see <see cref="LeaseAsync{TKey}"/>.</summary>
    public sealed class KeyLease<TKey> : IDisposable
        where TKey : class
    {
        private readonly TKey _key;
        private readonly SecretLease<ExpandedKey> _lease;

        internal KeyLease(TKey key, SecretLease<ExpandedKey> lease)
        {
            _key = key;
            _lease = lease;
        }

        public TKey Key
        {
            get
            {
                // Reading the lease's secret is what throws once the lease is released.
                _ = _lease.Secret;
                return _key;
            }
        }

        public void Dispose() => _lease.Dispose();
    }

    /// <summary>Drops the key of <paramref name="cacheKey"/> (for instance after the key was destroyed). Returns whether it was in memory.</summary>
    /// <remarks>An unwrap already in progress for the key is not cancelled and caches its result: destroy the wrapped
    /// key in storage first, then evict, so that any later unwrap has nothing to unwrap.</remarks>
    public bool Evict(string cacheKey) => _cache.Invalidate(cacheKey);

    public KmsCacheStats GetStats() => KmsCacheStats.From(_cache.Counters);

    /// <summary>Drops every key (disposing each as soon as it is not in use) and cancels unwraps in progress.</summary>
    public void Dispose() => _cache.Dispose();

    private static Func<CancellationToken, Task<ExpandedKey>> Load<TKey>(string cacheKey, Func<CancellationToken, Task<byte[]>> unwrap, Func<ReadOnlySpan<byte>, TKey> expand)
        where TKey : class
    {
        SecretCacheKey.Check(cacheKey);
        ArgumentNullException.ThrowIfNull(unwrap);
        ArgumentNullException.ThrowIfNull(expand);
        return UnwrappedSecret.Load(cacheKey, unwrap, secret => new ExpandedKey(expand(secret) ?? throw new InvalidOperationException($"Expanding the key of '{cacheKey}' returned null.")));
    }

    /// <summary>An expanded key of any type, disposed (when it is disposable) with its entry.</summary>
    internal sealed class ExpandedKey(object value) : IDisposable
    {
        public TKey As<TKey>(string cacheKey)
            where TKey : class =>
            value as TKey ?? throw new InvalidOperationException($"Cache key '{cacheKey}' holds a {value.GetType().Name}, not a {typeof(TKey).Name}.");

        public void Dispose() => (value as IDisposable)?.Dispose();
    }
}
