using System.Security.Cryptography;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Tests.Kms.Support;

namespace QuantaProxy.Gateway.Tests.Kms;

[TestFixture]
public sealed class SecretCacheTests
{
    private const string Key = "ten_01JTEST/credential/cred_01JTEST/v1";
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);

    private ManualTimeProvider _time = null!;

    [SetUp]
    public void SetUp() => _time = new ManualTimeProvider();

    private SecretCache<SecretBytes> NewCache(long maxUses = 1000, int maxEntries = 100) => new(Ttl, maxUses, maxEntries, _time, "test");

    /// <summary>A load that counts its calls and keeps every secret it handed out, so a test can see which were zeroed.</summary>
    private sealed class CountingLoad
    {
        private readonly List<SecretBytes> _loaded = [];
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public IReadOnlyList<SecretBytes> Loaded
        {
            get
            {
                lock (_loaded)
                {
                    return [.. _loaded];
                }
            }
        }

        public Task<SecretBytes> LoadAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref _calls);
            var secret = SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));
            lock (_loaded)
            {
                _loaded.Add(secret);
            }
            return Task.FromResult(secret);
        }
    }

    private static ValueTask<SecretBytes> Use(SecretCache<SecretBytes> cache, CountingLoad load, string key = Key) =>
        cache.UseAsync(key, load.LoadAsync, static s => s, CancellationToken.None);

    private static bool IsZeroed(SecretBytes secret) => secret.BackingArrayForTests.All(b => b == 0);

    [Test]
    public async Task Concurrent_misses_share_one_load()
    {
        using var cache = NewCache();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        async Task<SecretBytes> SlowLoad(CancellationToken ct)
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            return SecretBytes.Copy(RandomNumberGenerator.GetBytes(32));
        }

        var users = Enumerable.Range(0, 32)
            .Select(_ => Task.Run(() => cache.UseAsync(Key, SlowLoad, static s => s, CancellationToken.None).AsTask()))
            .ToArray();
        // Released only once every caller waits on the load (a guard, not a timing assertion).
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (cache.Counters.Misses < 32)
            await Task.Delay(5, guard.Token);
        gate.SetResult();
        var results = await Task.WhenAll(users);

        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(1));
            Assert.That(results.Distinct().Count(), Is.EqualTo(1), "every caller got the one loaded secret");
            Assert.That(cache.Counters, Is.EqualTo(new SecretCacheCounters(Hits: 0, Misses: 32, Loads: 1, LoadFailures: 0, Evictions: 0, Expirations: 0, Entries: 1)));
        });
    }

    [Test]
    public async Task A_hit_does_not_load_again()
    {
        using var cache = NewCache();
        var load = new CountingLoad();

        var first = await Use(cache, load);
        var second = await Use(cache, load);

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first));
            Assert.That(load.Calls, Is.EqualTo(1));
            Assert.That(cache.Counters.Hits, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task An_entry_expires_after_the_ttl_and_is_zeroed()
    {
        using var cache = NewCache();
        var load = new CountingLoad();
        var first = await Use(cache, load);

        _time.Advance(Ttl - TimeSpan.FromTicks(1));
        var beforeExpiry = await Use(cache, load);
        _time.Advance(TimeSpan.FromTicks(1));
        var afterExpiry = await Use(cache, load);

        Assert.Multiple(() =>
        {
            Assert.That(beforeExpiry, Is.SameAs(first));
            Assert.That(afterExpiry, Is.Not.SameAs(first));
            Assert.That(IsZeroed(first), Is.True);
            Assert.That(IsZeroed(afterExpiry), Is.False);
            Assert.That(load.Calls, Is.EqualTo(2));
            Assert.That(cache.Counters.Expirations, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task An_idle_expired_entry_is_swept()
    {
        using var cache = NewCache();
        var secret = await Use(cache, new CountingLoad());

        _time.Advance(Ttl + TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(IsZeroed(secret), Is.True);
            Assert.That(cache.Counters.Entries, Is.Zero);
        });
    }

    [Test]
    public async Task An_entry_is_retired_at_its_last_use()
    {
        using var cache = NewCache(maxUses: 2);
        var load = new CountingLoad();

        var first = await Use(cache, load);
        var second = await Use(cache, load);
        var zeroedAfterSecondUse = IsZeroed(first);
        var third = await Use(cache, load);

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first));
            Assert.That(zeroedAfterSecondUse, Is.True);
            Assert.That(third, Is.Not.SameAs(first));
            Assert.That(load.Calls, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task The_least_recently_used_entry_goes_beyond_the_bound()
    {
        using var cache = NewCache(maxEntries: 2);
        var load = new CountingLoad();
        var a = await Use(cache, load, "a");
        var b = await Use(cache, load, "b");
        await Use(cache, load, "a");

        var c = await Use(cache, load, "c");

        Assert.Multiple(() =>
        {
            Assert.That(IsZeroed(b), Is.True);
            Assert.That(IsZeroed(a), Is.False);
            Assert.That(IsZeroed(c), Is.False);
            Assert.That(cache.Counters.Evictions, Is.EqualTo(1));
            Assert.That(cache.Counters.Entries, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_lease_keeps_a_retired_secret_until_the_last_release()
    {
        using var cache = NewCache();
        var load = new CountingLoad();
        var first = await cache.LeaseAsync(Key, load.LoadAsync, CancellationToken.None);
        var second = await cache.LeaseAsync(Key, load.LoadAsync, CancellationToken.None);
        var secret = first.Secret;

        Assert.That(cache.Invalidate(Key), Is.True);
        _time.Advance(Ttl * 2);
        Assert.That(IsZeroed(secret), Is.False, "two leases hold it");
        first.Dispose();
        first.Dispose();
        Assert.That(IsZeroed(secret), Is.False, "a second release of one lease does not release the other");
        Assert.That(second.Secret.Span.ToArray(), Is.Not.All.EqualTo(0));

        second.Dispose();
        Assert.Multiple(() =>
        {
            Assert.That(IsZeroed(secret), Is.True, "released by the last lease: zeroed");
            Assert.Throws<ObjectDisposedException>(() => _ = first.Secret);
            Assert.That(load.Calls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Invalidate_and_clear_drop_entries()
    {
        using var cache = NewCache();
        var load = new CountingLoad();
        var a = await Use(cache, load, "a");
        var b = await Use(cache, load, "b");

        var invalidated = cache.Invalidate("a");
        var invalidatedAgain = cache.Invalidate("a");
        var zeroedA = IsZeroed(a);
        cache.Clear();

        Assert.Multiple(() =>
        {
            Assert.That(invalidated, Is.True);
            Assert.That(invalidatedAgain, Is.False);
            Assert.That(zeroedA, Is.True);
            Assert.That(IsZeroed(b), Is.True);
            Assert.That(cache.Counters.Entries, Is.Zero);
            Assert.That(cache.Counters.Evictions, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_failed_load_is_not_cached()
    {
        using var cache = NewCache();
        var load = new CountingLoad();
        var fail = true;
        Task<SecretBytes> Load(CancellationToken ct) =>
            fail ? Task.FromException<SecretBytes>(new KmsUnavailableException("test outage")) : load.LoadAsync(ct);

        Assert.ThrowsAsync<KmsUnavailableException>(async () => await cache.UseAsync(Key, Load, static s => s, CancellationToken.None));
        fail = false;
        var recovered = await cache.UseAsync(Key, Load, static s => s, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(IsZeroed(recovered), Is.False);
            Assert.That(cache.Counters.LoadFailures, Is.EqualTo(1));
            Assert.That(cache.Counters.Loads, Is.EqualTo(2));
            Assert.That(cache.Counters.Entries, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Dispose_zeroes_every_secret_and_refuses_later_calls()
    {
        var cache = NewCache();
        var load = new CountingLoad();
        var secret = await Use(cache, load);

        cache.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(IsZeroed(secret), Is.True);
            Assert.That(_time.ActiveTimers, Is.Zero);
            Assert.ThrowsAsync<ObjectDisposedException>(async () => await Use(cache, load));
        });
    }
}
