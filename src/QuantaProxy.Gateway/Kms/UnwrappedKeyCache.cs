using System.Security.Cryptography;
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
/// </remarks>
public sealed class UnwrappedKeyCache : IDisposable
{
    public const int MaxCacheKeyLength = 512;

    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly long _ttlTimestampTicks;
    private readonly long _maxUses;
    private readonly int _maxEntries;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new(); // most recently used first
    private readonly Dictionary<string, Task<Entry>> _loads = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ITimer _sweeper;
    private bool _disposed;

    private long _hits;
    private long _misses;
    private long _unwrapCalls;
    private long _unwrapFailures;
    private long _evictions;
    private long _expirations;

    public UnwrappedKeyCache(IOptions<KmsOptions> options, TimeProvider timeProvider)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.CacheTtl, options.Value.CacheMaxUses, options.Value.CacheMaxEntries, timeProvider, "kms")
    {
    }

    /// <param name="name">The <c>cache</c> tag of this cache's lookups in <c>quantaproxy.keys.cache_lookups</c>.</param>
    public UnwrappedKeyCache(TimeSpan ttl, long maxUses, int maxEntries, TimeProvider timeProvider, string name)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero, "CacheTtl");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUses, 1, "CacheMaxUses");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1, "CacheMaxEntries");

        _time = timeProvider;
        _name = name;
        _ttlTimestampTicks = (long)Math.Min(ttl.TotalSeconds * timeProvider.TimestampFrequency, long.MaxValue / 4);
        _maxUses = maxUses;
        _maxEntries = maxEntries;
        // Expired entries are also dropped when nobody asks for them again, so an idle key does not linger in memory.
        var sweepPeriod = TimeSpan.FromTicks(Math.Clamp(ttl.Ticks, TimeSpan.TicksPerSecond, 30 * TimeSpan.TicksPerSecond));
        _sweeper = timeProvider.CreateTimer(static state => ((UnwrappedKeyCache)state!).Sweep(), this, sweepPeriod, sweepPeriod);
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
        var acquiring = AcquireAsync(cacheKey, unwrap, expand, ct);
        if (!acquiring.IsCompletedSuccessfully)
            return AwaitAndUseAsync(acquiring, use);
        try
        {
            return ValueTask.FromResult(UseAndRelease(acquiring.Result, use));
        }
        catch (Exception e)
        {
            return ValueTask.FromException<TResult>(e);
        }
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
        var entry = await AcquireAsync(cacheKey, unwrap, expand, ct).ConfigureAwait(false);
        if (entry.Value is not TKey key)
        {
            Release(entry);
            throw new InvalidOperationException($"Cache key '{entry.Key}' holds a {entry.Value.GetType().Name}, not a {typeof(TKey).Name}.");
        }
        return new KeyLease<TKey>(key, () => Release(entry));
    }

    /// <summary>A key held out of the cache; see <see cref="LeaseAsync{TKey}"/>.</summary>
    public sealed class KeyLease<TKey>(TKey key, Action release) : IDisposable
        where TKey : class
    {
        private Action? _release = release;

        public TKey Key => _release is null ? throw new ObjectDisposedException(nameof(KeyLease<TKey>)) : key;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }

    private async ValueTask<TResult> AwaitAndUseAsync<TKey, TResult>(ValueTask<Entry> acquiring, Func<TKey, TResult> use)
        where TKey : class =>
        UseAndRelease(await acquiring.ConfigureAwait(false), use);

    /// <summary>One use and one lease of the key, unwrapping it first when it is not in memory; the caller releases.</summary>
    private ValueTask<Entry> AcquireAsync<TKey>(string cacheKey, Func<CancellationToken, Task<byte[]>> unwrap, Func<ReadOnlySpan<byte>, TKey> expand, CancellationToken ct)
        where TKey : class
    {
        CheckCacheKey(cacheKey);
        ArgumentNullException.ThrowIfNull(unwrap);
        ArgumentNullException.ThrowIfNull(expand);

        Entry? entry;
        Task<Entry>? load;
        Action? startLoad;
        List<Entry>? released = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            entry = TryAcquireCurrentLocked(cacheKey, ref released);
            if (entry is not null)
            {
                _hits++;
                load = null;
                startLoad = null;
            }
            else
            {
                _misses++;
                load = GetOrStartLoadLocked(cacheKey, unwrap, expand, out startLoad);
            }
        }
        DisposeValues(released);
        Telemetry.GatewayTelemetry.KeyCacheLookups.Add(1, new KeyValuePair<string, object?>("cache", _name), new KeyValuePair<string, object?>("result", entry is not null ? "hit" : "miss"));
        startLoad?.Invoke();
        return entry is not null ? ValueTask.FromResult(entry) : WaitForLoadAsync(cacheKey, load!, unwrap, expand, ct);
    }

    /// <summary>Drops the key of <paramref name="cacheKey"/> (for instance after the key was destroyed). Returns whether it was in memory.</summary>
    /// <remarks>An unwrap already in progress for the key is not cancelled and caches its result: destroy the wrapped
    /// key in storage first, then evict, so that any later unwrap has nothing to unwrap.</remarks>
    public bool Evict(string cacheKey)
    {
        CheckCacheKey(cacheKey);
        List<Entry>? released = null;
        bool removed;
        lock (_gate)
        {
            removed = _entries.TryGetValue(cacheKey, out var entry);
            if (removed)
            {
                RetireLocked(entry!, ref released);
                _evictions++;
            }
        }
        DisposeValues(released);
        return removed;
    }

    public KmsCacheStats GetStats()
    {
        lock (_gate)
        {
            return new KmsCacheStats(_hits, _misses, _unwrapCalls, _unwrapFailures, _evictions, _expirations, _entries.Count);
        }
    }

    /// <summary>Drops every key (disposing each as soon as it is not in use) and cancels unwraps in progress.</summary>
    public void Dispose()
    {
        List<Entry>? released = null;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (var entry in _entries.Values.ToArray())
                RetireLocked(entry, ref released);
        }
        _sweeper.Dispose();
        _shutdown.Cancel();
        _shutdown.Dispose();
        DisposeValues(released);
    }

    private async ValueTask<Entry> WaitForLoadAsync<TKey>(
        string cacheKey,
        Task<Entry> load,
        Func<CancellationToken, Task<byte[]>> unwrap,
        Func<ReadOnlySpan<byte>, TKey> expand,
        CancellationToken ct)
        where TKey : class
    {
        while (true)
        {
            var loaded = await load.WaitAsync(ct).ConfigureAwait(false);
            Entry? entry;
            Action? startLoad = null;
            List<Entry>? released = null;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                // Other waiters may have used up the fresh entry (CacheMaxUses) before this one ran: then look again.
                entry = TryAcquireLocked(loaded, ref released) ? loaded : TryAcquireCurrentLocked(cacheKey, ref released);
                if (entry is null)
                {
                    _misses++;
                    load = GetOrStartLoadLocked(cacheKey, unwrap, expand, out startLoad);
                }
            }
            DisposeValues(released);
            startLoad?.Invoke();
            if (entry is not null)
                return entry;
        }
    }

    private Task<Entry> GetOrStartLoadLocked<TKey>(string cacheKey, Func<CancellationToken, Task<byte[]>> unwrap, Func<ReadOnlySpan<byte>, TKey> expand, out Action? startLoad)
        where TKey : class
    {
        if (_loads.TryGetValue(cacheKey, out var running))
        {
            startLoad = null;
            return running;
        }
        var completion = new TaskCompletionSource<Entry>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loads.Add(cacheKey, completion.Task);
        _unwrapCalls++;
        var token = _shutdown.Token;
        // Started by the caller after it leaves the lock: the unwrap function never runs under the lock.
        startLoad = () => _ = LoadAsync(cacheKey, completion, unwrap, expand, token);
        return completion.Task;
    }

    private async Task LoadAsync<TKey>(string cacheKey, TaskCompletionSource<Entry> completion, Func<CancellationToken, Task<byte[]>> unwrap, Func<ReadOnlySpan<byte>, TKey> expand, CancellationToken token)
        where TKey : class
    {
        byte[]? secret = null;
        object value;
        try
        {
            secret = await unwrap(token).ConfigureAwait(false);
            if (secret is null || secret.Length == 0)
                throw new KeyUnwrapException($"Unwrapping '{cacheKey}' returned no key material.");
            value = expand(secret) ?? throw new InvalidOperationException($"Expanding the key of '{cacheKey}' returned null.");
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _loads.Remove(cacheKey);
                _unwrapFailures++;
            }
            completion.SetException(e);
            return;
        }
        finally
        {
            if (secret is not null)
                CryptographicOperations.ZeroMemory(secret);
        }

        Entry? entry = null;
        List<Entry>? released = null;
        lock (_gate)
        {
            _loads.Remove(cacheKey);
            if (!_disposed)
            {
                entry = new Entry(cacheKey, value, _time.GetTimestamp() + _ttlTimestampTicks);
                if (_entries.TryGetValue(cacheKey, out var previous))
                    RetireLocked(previous, ref released);
                _entries.Add(cacheKey, entry);
                entry.RecencyNode = _recency.AddFirst(entry);
                while (_entries.Count > _maxEntries)
                {
                    RetireLocked(_recency.Last!.Value, ref released);
                    _evictions++;
                }
            }
        }
        DisposeValues(released);
        if (entry is null)
        {
            DisposeValue(value);
            completion.SetException(new ObjectDisposedException(nameof(UnwrappedKeyCache)));
        }
        else
        {
            completion.SetResult(entry);
        }
    }

    private Entry? TryAcquireCurrentLocked(string cacheKey, ref List<Entry>? released) =>
        _entries.TryGetValue(cacheKey, out var entry) && TryAcquireLocked(entry, ref released) ? entry : null;

    /// <summary>Counts one use and one lease on <paramref name="entry"/>, or retires it when its time has run out.</summary>
    private bool TryAcquireLocked(Entry entry, ref List<Entry>? released)
    {
        if (entry.Retired)
            return false;
        if (_time.GetTimestamp() >= entry.ExpiresAt)
        {
            RetireLocked(entry, ref released);
            _expirations++;
            return false;
        }
        entry.Uses++;
        entry.Leases++;
        if (entry.Uses >= _maxUses)
        {
            // This is the last use: retire now; the value is disposed when this caller releases it.
            RetireLocked(entry, ref released);
            _expirations++;
        }
        else
        {
            _recency.Remove(entry.RecencyNode!);
            _recency.AddFirst(entry.RecencyNode!);
        }
        return true;
    }

    private TResult UseAndRelease<TKey, TResult>(Entry entry, Func<TKey, TResult> use)
        where TKey : class
    {
        try
        {
            if (entry.Value is not TKey key)
                throw new InvalidOperationException($"Cache key '{entry.Key}' holds a {entry.Value.GetType().Name}, not a {typeof(TKey).Name}.");
            return use(key);
        }
        finally
        {
            Release(entry);
        }
    }

    private void Release(Entry entry)
    {
        bool dispose;
        lock (_gate)
        {
            entry.Leases--;
            dispose = entry.Retired && entry.Leases == 0;
        }
        if (dispose)
            DisposeValue(entry.Value);
    }

    /// <summary>Removes <paramref name="entry"/>; its value is queued for disposal now if nobody holds it, else by the last releaser.</summary>
    private void RetireLocked(Entry entry, ref List<Entry>? released)
    {
        if (entry.Retired)
            return;
        entry.Retired = true;
        _entries.Remove(entry.Key);
        _recency.Remove(entry.RecencyNode!);
        if (entry.Leases == 0)
            (released ??= []).Add(entry);
    }

    private void Sweep()
    {
        List<Entry>? released = null;
        lock (_gate)
        {
            if (_disposed)
                return;
            var now = _time.GetTimestamp();
            foreach (var entry in _entries.Values.Where(e => now >= e.ExpiresAt).ToArray())
            {
                RetireLocked(entry, ref released);
                _expirations++;
            }
        }
        DisposeValues(released);
    }

    private static void DisposeValues(List<Entry>? released)
    {
        if (released is null)
            return;
        foreach (var entry in released)
            DisposeValue(entry.Value);
    }

    private static void DisposeValue(object value) => (value as IDisposable)?.Dispose();

    private static void CheckCacheKey(string cacheKey)
    {
        ArgumentNullException.ThrowIfNull(cacheKey);
        if (cacheKey.Length == 0 || cacheKey.Length > MaxCacheKeyLength)
            throw new ArgumentException($"A cache key must be 1 to {MaxCacheKeyLength} characters.", nameof(cacheKey));
    }

    private sealed class Entry(string key, object value, long expiresAt)
    {
        public string Key { get; } = key;
        public object Value { get; } = value;
        public long ExpiresAt { get; } = expiresAt;
        public long Uses { get; set; }
        public int Leases { get; set; }
        public bool Retired { get; set; }
        public LinkedListNode<Entry>? RecencyNode { get; set; }
    }
}
