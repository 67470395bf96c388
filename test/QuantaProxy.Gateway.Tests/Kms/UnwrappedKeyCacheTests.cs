using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Tests.Kms.Support;

namespace QuantaProxy.Gateway.Tests.Kms;

[TestFixture]
public sealed class UnwrappedKeyCacheTests
{
    private const string CacheKey = "ten_01JTEST/envelope-signing/sgk_01JTEST";
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);

    private ManualTimeProvider _time = null!;

    [SetUp]
    public void SetUp() => _time = new ManualTimeProvider();

    private UnwrappedKeyCache NewCache(long maxUses = 1000, int maxEntries = 100) =>
        new(Options.Create(new KmsOptions { CacheTtl = Ttl, CacheMaxUses = maxUses, CacheMaxEntries = maxEntries }), _time);

    /// <summary>An unwrap function that counts its calls and hands out a fresh copy of one secret, keeping each copy.</summary>
    private sealed class CountingUnwrap(byte[] secret)
    {
        private readonly List<byte[]> _handedOut = [];
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public IReadOnlyList<byte[]> HandedOut
        {
            get
            {
                lock (_handedOut)
                {
                    return [.. _handedOut];
                }
            }
        }

        public Task<byte[]> UnwrapAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref _calls);
            var copy = (byte[])secret.Clone();
            lock (_handedOut)
            {
                _handedOut.Add(copy);
            }
            return Task.FromResult(copy);
        }
    }

    /// <summary>An expanded key that records whether it was disposed, and a copy of the secret it was built from.</summary>
    private sealed class TrackedKey(ReadOnlySpan<byte> secret) : IDisposable
    {
        public byte[] Secret { get; } = secret.ToArray();
        public bool Disposed { get; private set; }

        public void Dispose()
        {
            Disposed = true;
            CryptographicOperations.ZeroMemory(Secret);
        }
    }

    private static ValueTask<TrackedKey> Use(UnwrappedKeyCache cache, CountingUnwrap unwrap, string cacheKey = CacheKey) =>
        cache.UseAsync(cacheKey, unwrap.UnwrapAsync, static s => new TrackedKey(s), static k => k, CancellationToken.None);

    [Test]
    public async Task A_hit_does_not_unwrap_again()
    {
        using var cache = NewCache();
        var secret = RandomNumberGenerator.GetBytes(32);
        var unwrap = new CountingUnwrap(secret);

        var first = await Use(cache, unwrap);
        var second = await Use(cache, unwrap);

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first));
            Assert.That(first.Secret, Is.EqualTo(secret));
            Assert.That(unwrap.Calls, Is.EqualTo(1));
            Assert.That(cache.GetStats(), Is.EqualTo(new KmsCacheStats(Hits: 1, Misses: 1, UnwrapCalls: 1, UnwrapFailures: 0, Evictions: 0, Expirations: 0, Entries: 1)));
        });
    }

    [Test]
    public async Task The_unwrapped_bytes_are_zeroed_once_expanded()
    {
        using var cache = NewCache();
        var unwrap = new CountingUnwrap(RandomNumberGenerator.GetBytes(32));

        var key = await Use(cache, unwrap);

        Assert.Multiple(() =>
        {
            Assert.That(unwrap.HandedOut[0], Is.All.EqualTo(0), "the array returned by unwrap is zeroed after expand");
            Assert.That(key.Secret, Is.Not.All.EqualTo(0), "the expanded key holds its own copy");
            Assert.That(key.Disposed, Is.False);
        });
    }

    [Test]
    public async Task Sixty_four_concurrent_misses_make_one_unwrap_call()
    {
        using var cache = NewCache();
        var secret = RandomNumberGenerator.GetBytes(32);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        async Task<byte[]> SlowUnwrap(CancellationToken ct)
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            return (byte[])secret.Clone();
        }

        var users = Enumerable.Range(0, 64)
            .Select(_ => Task.Run(() => cache.UseAsync(CacheKey, SlowUnwrap, static s => s.ToArray(), static k => k, CancellationToken.None).AsTask()))
            .ToArray();
        // Release the unwrap only once all 64 callers are waiting on it (a guard, not a timing assertion).
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (cache.GetStats().Misses < 64)
            await Task.Delay(5, guard.Token);
        gate.SetResult();
        var results = await Task.WhenAll(users);

        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(1));
            Assert.That(cache.GetStats().UnwrapCalls, Is.EqualTo(1));
            Assert.That(results, Has.All.EqualTo(secret));
            Assert.That(results.Distinct().Count(), Is.EqualTo(1), "all callers share one expanded object");
        });
    }

    [Test]
    public async Task Entry_expires_after_max_uses()
    {
        using var cache = NewCache(maxUses: 3);
        var unwrap = new CountingUnwrap(RandomNumberGenerator.GetBytes(32));

        var first = await Use(cache, unwrap);
        await Use(cache, unwrap);
        var third = await Use(cache, unwrap);
        var disposedAfterThirdUse = first.Disposed;
        var fourth = await Use(cache, unwrap);

        Assert.Multiple(() =>
        {
            Assert.That(third, Is.SameAs(first));
            Assert.That(disposedAfterThirdUse, Is.True, "the third use was the last one: the key is dropped and disposed");
            Assert.That(fourth, Is.Not.SameAs(first));
            Assert.That(fourth.Disposed, Is.False);
            Assert.That(unwrap.Calls, Is.EqualTo(2));
            Assert.That(cache.GetStats().Expirations, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Entry_expires_after_the_ttl()
    {
        using var cache = NewCache();
        var unwrap = new CountingUnwrap(RandomNumberGenerator.GetBytes(32));
        var first = await Use(cache, unwrap);

        _time.Advance(Ttl - TimeSpan.FromSeconds(31));
        var beforeExpiry = await Use(cache, unwrap);
        _time.Advance(TimeSpan.FromSeconds(31));
        var afterExpiry = await Use(cache, unwrap);

        Assert.Multiple(() =>
        {
            Assert.That(beforeExpiry, Is.SameAs(first));
            Assert.That(afterExpiry, Is.Not.SameAs(first));
            Assert.That(first.Disposed, Is.True);
            Assert.That(unwrap.Calls, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task An_idle_expired_entry_is_dropped_without_being_asked_for()
    {
        using var cache = NewCache();
        var key = await Use(cache, new CountingUnwrap(RandomNumberGenerator.GetBytes(32)));

        _time.Advance(Ttl + TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(key.Disposed, Is.True);
            Assert.That(cache.GetStats().Entries, Is.Zero);
            Assert.That(cache.GetStats().Expirations, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Least_recently_used_entry_is_evicted_and_disposed()
    {
        using var cache = NewCache(maxEntries: 2);
        var unwrap = new CountingUnwrap(RandomNumberGenerator.GetBytes(32));
        var a = await Use(cache, unwrap, "a");
        var b = await Use(cache, unwrap, "b");
        await Use(cache, unwrap, "a"); // a is now more recent than b

        var c = await Use(cache, unwrap, "c");

        Assert.Multiple(() =>
        {
            Assert.That(b.Disposed, Is.True);
            Assert.That(a.Disposed, Is.False);
            Assert.That(c.Disposed, Is.False);
            Assert.That(cache.GetStats().Evictions, Is.EqualTo(1));
            Assert.That(cache.GetStats().Entries, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task SecretBytes_are_zeroed_on_eviction()
    {
        using var cache = NewCache();
        var secret = RandomNumberGenerator.GetBytes(64);
        var unwrap = new CountingUnwrap(secret);
        byte[]? backing = null;
        var mac = await cache.UseAsync(CacheKey, unwrap.UnwrapAsync, SecretBytes.Copy, k =>
        {
            backing = k.BackingArrayForTests;
            return HMACSHA512.HashData(k.Span, "message"u8);
        }, CancellationToken.None);
        var heldBeforeEviction = backing!.ToArray();

        var evicted = cache.Evict(CacheKey);

        Assert.Multiple(() =>
        {
            Assert.That(mac, Is.EqualTo(HMACSHA512.HashData(secret, "message"u8)));
            Assert.That(heldBeforeEviction, Is.EqualTo(secret));
            Assert.That(evicted, Is.True);
            Assert.That(backing, Is.All.EqualTo(0));
            Assert.That(unwrap.HandedOut[0], Is.All.EqualTo(0));
        });
    }

    [Test]
    public async Task A_key_in_use_is_disposed_only_after_its_use_ends()
    {
        using var cache = NewCache();
        var unwrap = new CountingUnwrap(RandomNumberGenerator.GetBytes(32));
        var disposedDuringUse = true;

        var key = await cache.UseAsync(CacheKey, unwrap.UnwrapAsync, static s => new TrackedKey(s), k =>
        {
            cache.Evict(CacheKey);
            disposedDuringUse = k.Disposed;
            return k;
        }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(disposedDuringUse, Is.False);
            Assert.That(key.Disposed, Is.True);
        });
    }

    [Test]
    public async Task A_leased_key_outlives_eviction_and_expiry_until_the_lease_ends()
    {
        using var cache = NewCache(maxUses: 2);
        var unwrap = new CountingUnwrap(RandomNumberGenerator.GetBytes(32));
        var lease = await cache.LeaseAsync(CacheKey, unwrap.UnwrapAsync, static s => new TrackedKey(s), CancellationToken.None);
        var key = lease.Key;

        cache.Evict(CacheKey);
        _time.Advance(Ttl * 2);
        Assert.That(key.Disposed, Is.False, "a leased key is not disposed while the lease lasts");
        var next = await Use(cache, unwrap);
        Assert.That(next, Is.Not.SameAs(key), "the cache moved on to a fresh key");
        Assert.That(unwrap.Calls, Is.EqualTo(2));

        lease.Dispose();
        lease.Dispose();
        Assert.That(key.Disposed, Is.True, "released: the evicted key is disposed");
        Assert.That(next.Disposed, Is.False, "a second Dispose does not release anyone else's lease");
        Assert.Throws<ObjectDisposedException>(() => _ = lease.Key);
    }

    [Test]
    public async Task A_lease_counts_as_a_use()
    {
        using var cache = NewCache(maxUses: 2);
        var unwrap = new CountingUnwrap(RandomNumberGenerator.GetBytes(32));
        using (await cache.LeaseAsync(CacheKey, unwrap.UnwrapAsync, static s => new TrackedKey(s), CancellationToken.None))
        {
        }
        var second = await Use(cache, unwrap);
        Assert.That(second.Disposed, Is.True, "the second use was the last one (CacheMaxUses = 2)");
        Assert.That(unwrap.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task A_failed_unwrap_is_not_cached()
    {
        using var cache = NewCache();
        var secret = RandomNumberGenerator.GetBytes(32);
        var fail = true;
        var calls = 0;
        Task<byte[]> Unwrap(CancellationToken ct)
        {
            calls++;
            return fail ? Task.FromException<byte[]>(new KmsUnavailableException("test outage")) : Task.FromResult((byte[])secret.Clone());
        }

        Assert.ThrowsAsync<KmsUnavailableException>(async () => await cache.UseAsync(CacheKey, Unwrap, static s => s.ToArray(), static k => k, CancellationToken.None));
        Assert.ThrowsAsync<KmsUnavailableException>(async () => await cache.UseAsync(CacheKey, Unwrap, static s => s.ToArray(), static k => k, CancellationToken.None));
        fail = false;
        var recovered = await cache.UseAsync(CacheKey, Unwrap, static s => s.ToArray(), static k => k, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(recovered, Is.EqualTo(secret));
            Assert.That(calls, Is.EqualTo(3));
            Assert.That(cache.GetStats().UnwrapFailures, Is.EqualTo(2));
        });
    }

    [Test]
    public void A_failing_expand_zeroes_the_secret_and_is_not_cached()
    {
        using var cache = NewCache();
        var unwrap = new CountingUnwrap(RandomNumberGenerator.GetBytes(32));

        Assert.ThrowsAsync<FormatException>(async () => await cache.UseAsync<object, object>(CacheKey, unwrap.UnwrapAsync, static _ => throw new FormatException("bad seed"), static k => k, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(unwrap.HandedOut[0], Is.All.EqualTo(0));
            Assert.That(cache.GetStats().Entries, Is.Zero);
            Assert.That(cache.GetStats().UnwrapFailures, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task One_caller_giving_up_does_not_cancel_the_shared_unwrap()
    {
        using var cache = NewCache();
        var secret = RandomNumberGenerator.GetBytes(32);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<byte[]> SlowUnwrap(CancellationToken ct)
        {
            await gate.Task.WaitAsync(ct);
            return (byte[])secret.Clone();
        }
        using var impatient = new CancellationTokenSource();

        var first = cache.UseAsync(CacheKey, SlowUnwrap, static s => s.ToArray(), static k => k, impatient.Token).AsTask();
        var second = cache.UseAsync(CacheKey, SlowUnwrap, static s => s.ToArray(), static k => k, CancellationToken.None).AsTask();
        await impatient.CancelAsync();
        gate.SetResult();

        Assert.Multiple(async () =>
        {
            Assert.ThrowsAsync<TaskCanceledException>(() => first);
            Assert.That(await second, Is.EqualTo(secret));
            Assert.That(cache.GetStats().UnwrapCalls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_cache_key_holds_one_type_of_expanded_key()
    {
        using var cache = NewCache();
        var unwrap = new CountingUnwrap(RandomNumberGenerator.GetBytes(32));
        await Use(cache, unwrap);

        Assert.ThrowsAsync<InvalidOperationException>(async () => await cache.UseAsync(CacheKey, unwrap.UnwrapAsync, SecretBytes.Copy, static k => k.Length, CancellationToken.None));
    }

    [Test]
    public async Task Expands_a_real_ml_dsa_key_once()
    {
        using var cache = NewCache();
        var seed = MlDsa65.GenerateSeed();
        var unwrap = new CountingUnwrap(seed);
        var message = "checkpoint"u8.ToArray();
        var context = "quantaproxy/checkpoint/v1"u8.ToArray();

        var signatures = new List<byte[]>();
        for (var i = 0; i < 3; i++)
            signatures.Add(await cache.UseAsync(CacheKey, unwrap.UnwrapAsync, static s => MlDsa65PrivateKey.FromSeed(s), k => k.Sign(message, context), CancellationToken.None));

        var publicKey = MlDsa65PrivateKey.FromSeed(seed).PublicKey;
        Assert.Multiple(() =>
        {
            Assert.That(unwrap.Calls, Is.EqualTo(1));
            Assert.That(signatures.Select(s => publicKey.Verify(message, context, s)), Has.All.True);
        });
    }

    [Test]
    public async Task Dispose_drops_every_key()
    {
        var cache = NewCache();
        var unwrap = new CountingUnwrap(RandomNumberGenerator.GetBytes(32));
        var key = await Use(cache, unwrap);

        cache.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(key.Disposed, Is.True);
            Assert.That(_time.ActiveTimers, Is.Zero, "the sweep timer is stopped");
            Assert.ThrowsAsync<ObjectDisposedException>(async () => await Use(cache, unwrap));
        });
    }

    [Test]
    public void Invalid_cache_keys_are_rejected()
    {
        using var cache = NewCache();
        var unwrap = new CountingUnwrap(new byte[32]);

        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<ArgumentException>(async () => await Use(cache, unwrap, ""));
            Assert.ThrowsAsync<ArgumentException>(async () => await Use(cache, unwrap, new string('k', UnwrappedKeyCache.MaxCacheKeyLength + 1)));
        });
    }
}
