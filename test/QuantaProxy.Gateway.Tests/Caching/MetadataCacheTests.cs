using QuantaProxy.Gateway.Caching;
using QuantaProxy.Gateway.Tests.Kms.Support;

namespace QuantaProxy.Gateway.Tests.Caching;

public sealed class MetadataCacheTests
{
    [Test]
    public void An_entry_lives_for_the_lifetime_from_when_it_was_set_and_no_longer()
    {
        var time = new ManualTimeProvider();
        using var cache = new MetadataCache<string, string>(TimeSpan.FromSeconds(5), 10, time);
        cache.Set("k", "v");
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.That(cache.TryGet("k", out var value), Is.True);
        Assert.That(value, Is.EqualTo("v"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(cache.TryGet("k", out _), Is.False, "absolute, not sliding: the read at 4 s did not extend it");
    }

    [Test]
    public void A_null_answer_is_kept_as_an_answer()
    {
        // An unknown API key is cached as null so a flood of bad keys does not reach storage on every request.
        using var cache = new MetadataCache<string, string?>(TimeSpan.FromSeconds(5), 10, new ManualTimeProvider());
        cache.Set("unknown", null);
        Assert.That(cache.TryGet("unknown", out var value), Is.True);
        Assert.That(value, Is.Null);
    }

    [Test]
    public void A_zero_lifetime_keeps_nothing()
    {
        using var cache = new MetadataCache<string, string>(TimeSpan.Zero, 10, new ManualTimeProvider());
        cache.Set("k", "v");
        Assert.That(cache.TryGet("k", out _), Is.False);
    }

    [Test]
    public void Remove_RemoveWhere_and_Clear_drop_what_they_name()
    {
        using var cache = new MetadataCache<(string Tenant, string Id), string>(TimeSpan.FromMinutes(1), 10, new ManualTimeProvider());
        cache.Set(("t1", "a"), "alice");
        cache.Set(("t1", "b"), "bob");
        cache.Set(("t2", "a"), "alice");
        cache.Remove(("t1", "b"));
        Assert.That(cache.TryGet(("t1", "b"), out _), Is.False);
        cache.RemoveWhere((_, v) => v == "alice");
        Assert.That(cache.Count, Is.Zero);
        cache.Set(("t3", "c"), "carol");
        cache.Clear();
        Assert.That(cache.TryGet(("t3", "c"), out _), Is.False);
    }

    [Test]
    public void It_never_holds_more_than_its_bound()
    {
        using var cache = new MetadataCache<int, int>(TimeSpan.FromMinutes(1), 100, new ManualTimeProvider());
        for (var i = 0; i < 10_000; i++) cache.Set(i, i);
        Assert.That(cache.Count, Is.LessThanOrEqualTo(100));
        Assert.That(cache.TryGet(9_999, out _) || cache.Count > 0, Is.True, "the cache still works past its bound");
    }
}
