using QuantaProxy.Gateway.Telemetry;

namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// Keeps secret material (expanded private keys, unsealed credentials) in memory so that the costly or remote step that
/// produces it (a KMS unwrap, a decapsulation) runs once per key per lifetime rather than once per request.
/// </summary>
/// <remarks>
/// <para>Secrets are not metadata: a copy the cache drops must be zeroed at once, not left for the garbage collector,
/// and must not be zeroed while a caller is still using it. So an entry's secret is disposed (which must zero it) when
/// the entry is retired and no lease holds it, or else by the last lease to be released.</para>
/// <para>An entry is retired <c>ttl</c> after its load, after <c>maxUses</c> uses, when it is the least recently used
/// beyond <c>maxEntries</c>, on <see cref="Invalidate"/> or <see cref="Clear"/>, whichever comes first. Expired entries
/// are also swept by a timer, so a secret nobody asks for again does not linger.</para>
/// <para>Concurrent misses of one key share a single load. A failed load is never cached: the next miss loads again.
/// The load function never runs under the cache's lock, and its token is cancelled only when the cache is disposed, so
/// one caller giving up does not fail the others.</para>
/// </remarks>
/// <typeparam name="TSecret">The held form; its <see cref="IDisposable.Dispose"/> zeroes the secret. Shared between
/// concurrent callers, so it must be safe for concurrent use.</typeparam>
public sealed class SecretCache<TSecret> : IDisposable
    where TSecret : class, IDisposable
{
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly long _ttlTimestampTicks;
    private readonly long _maxUses;
    private readonly int _maxEntries;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SecretCacheEntry<TSecret>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<SecretCacheEntry<TSecret>> _recency = new(); // most recently used first
    private readonly Dictionary<string, Task<SecretCacheEntry<TSecret>>> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ITimer _sweeper;
    private bool _disposed;

    private long _hits;
    private long _misses;
    private long _loads;
    private long _loadFailures;
    private long _evictions;
    private long _expirations;

    /// <param name="name">The <c>cache</c> tag of this cache's lookups in <c>quantaproxy.keys.cache_lookups</c>.</param>
    public SecretCache(TimeSpan ttl, long maxUses, int maxEntries, TimeProvider timeProvider, string name)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUses, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);

        _time = timeProvider;
        _name = name;
        _ttlTimestampTicks = (long)Math.Min(ttl.TotalSeconds * timeProvider.TimestampFrequency, long.MaxValue / 4);
        _maxUses = maxUses;
        _maxEntries = maxEntries;
        var sweepPeriod = TimeSpan.FromTicks(Math.Clamp(ttl.Ticks, TimeSpan.TicksPerSecond, 30 * TimeSpan.TicksPerSecond));
        _sweeper = timeProvider.CreateTimer(static state => ((SecretCache<TSecret>)state!).Sweep(), this, sweepPeriod, sweepPeriod);
    }

    /// <summary>
    /// Runs <paramref name="use"/> with the secret of <paramref name="key"/>, loading it first when it is not in memory.
    /// The secret is valid only inside <paramref name="use"/>: it may be disposed as soon as <paramref name="use"/> returns.
    /// </summary>
    /// <param name="key">Identifies one secret exactly: on a hit, <paramref name="load"/> is not called. 1 to <see cref="SecretCacheKey.MaxLength"/> characters.</param>
    /// <param name="load">Produces the secret on a miss; called at most once at a time per key.</param>
    /// <param name="ct">Stops this caller's wait for a load, not the load.</param>
    public ValueTask<TResult> UseAsync<TResult>(string key, Func<CancellationToken, Task<TSecret>> load, Func<TSecret, TResult> use, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(use);
        var acquiring = AcquireAsync(key, load, ct);
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
    /// Like <see cref="UseAsync"/>, but the secret stays valid until the returned lease is disposed, for work that may
    /// finish on another thread. A lease counts as one use.
    /// </summary>
    public async ValueTask<SecretLease<TSecret>> LeaseAsync(string key, Func<CancellationToken, Task<TSecret>> load, CancellationToken ct) =>
        new(await AcquireAsync(key, load, ct).ConfigureAwait(false));

    /// <summary>Drops the entry of <paramref name="key"/>; returns whether it was in memory.</summary>
    /// <remarks>A load already in progress for the key is not cancelled and caches its result: remove the source of the
    /// secret first, then invalidate, so that any later load has nothing to load.</remarks>
    public bool Invalidate(string key)
    {
        SecretCacheKey.Check(key);
        List<SecretCacheEntry<TSecret>>? retired = null;
        bool removed;
        lock (_gate)
        {
            removed = _entries.TryGetValue(key, out var entry);
            if (removed)
            {
                RetireLocked(entry!, ref retired);
                _evictions++;
            }
        }
        ReleaseAll(retired);
        return removed;
    }

    /// <summary>Drops every entry (each secret is disposed as soon as no lease holds it); loads in progress still complete.</summary>
    public void Clear()
    {
        List<SecretCacheEntry<TSecret>>? retired = null;
        lock (_gate)
        {
            foreach (var entry in _entries.Values.ToArray())
            {
                RetireLocked(entry, ref retired);
                _evictions++;
            }
        }
        ReleaseAll(retired);
    }

    public SecretCacheCounters Counters
    {
        get
        {
            lock (_gate)
            {
                return new SecretCacheCounters(_hits, _misses, _loads, _loadFailures, _evictions, _expirations, _entries.Count);
            }
        }
    }

    /// <summary>Drops every entry and cancels loads in progress; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        List<SecretCacheEntry<TSecret>>? retired = null;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (var entry in _entries.Values.ToArray())
                RetireLocked(entry, ref retired);
        }
        _sweeper.Dispose();
        _shutdown.Cancel();
        _shutdown.Dispose();
        ReleaseAll(retired);
    }

    private static async ValueTask<TResult> AwaitAndUseAsync<TResult>(ValueTask<SecretCacheEntry<TSecret>> acquiring, Func<TSecret, TResult> use) =>
        UseAndRelease(await acquiring.ConfigureAwait(false), use);

    private static TResult UseAndRelease<TResult>(SecretCacheEntry<TSecret> entry, Func<TSecret, TResult> use)
    {
        try
        {
            return use(entry.Secret);
        }
        finally
        {
            entry.Release();
        }
    }

    /// <summary>One use and one reference on the key's entry, loading it first when it is not in memory; the caller releases.</summary>
    private ValueTask<SecretCacheEntry<TSecret>> AcquireAsync(string key, Func<CancellationToken, Task<TSecret>> load, CancellationToken ct)
    {
        SecretCacheKey.Check(key);
        ArgumentNullException.ThrowIfNull(load);

        SecretCacheEntry<TSecret>? entry;
        Task<SecretCacheEntry<TSecret>>? loading = null;
        Action? startLoad = null;
        List<SecretCacheEntry<TSecret>>? retired = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            entry = TryAcquireCurrentLocked(key, ref retired);
            if (entry is not null)
            {
                _hits++;
            }
            else
            {
                _misses++;
                loading = GetOrStartLoadLocked(key, load, out startLoad);
            }
        }
        ReleaseAll(retired);
        GatewayTelemetry.KeyCacheLookups.Add(1, new KeyValuePair<string, object?>("cache", _name), new KeyValuePair<string, object?>("result", entry is not null ? "hit" : "miss"));
        startLoad?.Invoke();
        return entry is not null ? ValueTask.FromResult(entry) : WaitForLoadAsync(key, loading!, load, ct);
    }

    private async ValueTask<SecretCacheEntry<TSecret>> WaitForLoadAsync(string key, Task<SecretCacheEntry<TSecret>> loading, Func<CancellationToken, Task<TSecret>> load, CancellationToken ct)
    {
        while (true)
        {
            var loaded = await loading.WaitAsync(ct).ConfigureAwait(false);
            SecretCacheEntry<TSecret>? entry;
            Action? startLoad = null;
            List<SecretCacheEntry<TSecret>>? retired = null;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                // Other waiters may have used up the fresh entry (maxUses) before this one ran: then look again.
                entry = TryAcquireLocked(loaded, ref retired) ? loaded : TryAcquireCurrentLocked(key, ref retired);
                if (entry is null)
                {
                    _misses++;
                    loading = GetOrStartLoadLocked(key, load, out startLoad);
                }
            }
            ReleaseAll(retired);
            startLoad?.Invoke();
            if (entry is not null)
                return entry;
        }
    }

    private Task<SecretCacheEntry<TSecret>> GetOrStartLoadLocked(string key, Func<CancellationToken, Task<TSecret>> load, out Action? startLoad)
    {
        if (_running.TryGetValue(key, out var running))
        {
            startLoad = null;
            return running;
        }
        var completion = new TaskCompletionSource<SecretCacheEntry<TSecret>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _running.Add(key, completion.Task);
        _loads++;
        var token = _shutdown.Token;
        // Started by the caller after it leaves the lock: the load function never runs under the lock.
        startLoad = () => _ = LoadAsync(key, completion, load, token);
        return completion.Task;
    }

    private async Task LoadAsync(string key, TaskCompletionSource<SecretCacheEntry<TSecret>> completion, Func<CancellationToken, Task<TSecret>> load, CancellationToken token)
    {
        TSecret secret;
        try
        {
            secret = await load(token).ConfigureAwait(false) ?? throw new InvalidOperationException($"Loading '{key}' returned null.");
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _running.Remove(key);
                _loadFailures++;
            }
            completion.SetException(e);
            return;
        }

        SecretCacheEntry<TSecret>? entry = null;
        List<SecretCacheEntry<TSecret>>? retired = null;
        lock (_gate)
        {
            _running.Remove(key);
            if (!_disposed)
            {
                entry = new SecretCacheEntry<TSecret>(key, secret, _time.GetTimestamp() + _ttlTimestampTicks);
                if (_entries.TryGetValue(key, out var previous))
                    RetireLocked(previous, ref retired);
                _entries.Add(key, entry);
                entry.RecencyNode = _recency.AddFirst(entry);
                while (_entries.Count > _maxEntries)
                {
                    RetireLocked(_recency.Last!.Value, ref retired);
                    _evictions++;
                }
            }
        }
        ReleaseAll(retired);
        if (entry is null)
        {
            secret.Dispose();
            completion.SetException(new ObjectDisposedException(nameof(SecretCache<TSecret>)));
        }
        else
        {
            completion.SetResult(entry);
        }
    }

    private SecretCacheEntry<TSecret>? TryAcquireCurrentLocked(string key, ref List<SecretCacheEntry<TSecret>>? retired) =>
        _entries.TryGetValue(key, out var entry) && TryAcquireLocked(entry, ref retired) ? entry : null;

    /// <summary>Counts one use and takes one reference on <paramref name="entry"/>, or retires it when its time has run out.</summary>
    private bool TryAcquireLocked(SecretCacheEntry<TSecret> entry, ref List<SecretCacheEntry<TSecret>>? retired)
    {
        if (entry.Retired)
            return false;
        if (_time.GetTimestamp() >= entry.ExpiresAt)
        {
            RetireLocked(entry, ref retired);
            _expirations++;
            return false;
        }
        entry.Uses++;
        entry.AddReference();
        if (entry.Uses >= _maxUses)
        {
            // The last use: the secret is disposed when this caller releases it.
            RetireLocked(entry, ref retired);
            _expirations++;
        }
        else
        {
            _recency.Remove(entry.RecencyNode!);
            _recency.AddFirst(entry.RecencyNode!);
        }
        return true;
    }

    /// <summary>Removes <paramref name="entry"/>; the cache's reference is dropped by <see cref="ReleaseAll"/> once out of the lock,
    /// so a secret is never disposed under the lock.</summary>
    private void RetireLocked(SecretCacheEntry<TSecret> entry, ref List<SecretCacheEntry<TSecret>>? retired)
    {
        if (entry.Retired)
            return;
        entry.Retired = true;
        _entries.Remove(entry.Key);
        _recency.Remove(entry.RecencyNode!);
        (retired ??= []).Add(entry);
    }

    private void Sweep()
    {
        List<SecretCacheEntry<TSecret>>? retired = null;
        lock (_gate)
        {
            if (_disposed)
                return;
            var now = _time.GetTimestamp();
            foreach (var entry in _entries.Values.Where(e => now >= e.ExpiresAt).ToArray())
            {
                RetireLocked(entry, ref retired);
                _expirations++;
            }
        }
        ReleaseAll(retired);
    }

    private static void ReleaseAll(List<SecretCacheEntry<TSecret>>? retired)
    {
        if (retired is null)
            return;
        foreach (var entry in retired)
            entry.Release();
    }
}
