using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Tests.Kms.Support;

namespace QuantaProxy.Gateway.FunctionalTests.Kms;

/// <summary>
/// KMS outage semantics end to end: the AWS SDK client talks to a moto_server of this fixture's own through a
/// loopback forwarder that the test can cut. Cached keys serve through the outage until they expire; then calls fail
/// with <see cref="KmsUnavailableException"/>; when KMS is back, the same wrapper and cache work again with no restart.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KmsOutageTests
{
    private const string Region = "us-east-1";
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);
    private static readonly byte[] Message = "checkpoint body"u8.ToArray();
    private static readonly byte[] SignatureContext = "quantaproxy/checkpoint/v1"u8.ToArray();

    private static readonly Dictionary<string, string> Context = new()
    {
        ["qp:tenant"] = "ten_01JTESTTENANT0000000000000",
        ["qp:purpose"] = "audit-checkpoint",
        ["qp:key"] = "sgk_01JTESTKEY000000000000000",
    };

    private string _motoExecutable = null!;
    private MotoServerProcess? _moto;
    private PausableTcpForwarder? _forwarder;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _motoExecutable = KmsTestEnvironment.RequireMotoServer();
        KmsTestEnvironment.EnsureDummyAwsCredentials();
        _moto = await MotoServerProcess.StartAsync(_motoExecutable);
        _forwarder = new PausableTcpForwarder(_moto.Port);
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_forwarder is not null)
            await _forwarder.DisposeAsync();
        _moto?.Dispose();
    }

    [SetUp]
    public void SetUp() => _forwarder!.EndOutage();

    private async Task<string> CreateKeyAsync()
    {
        // Straight to moto, never through the forwarder, so test set-up does not depend on the outage switch.
        using var admin = new AmazonKeyManagementServiceClient(new AmazonKeyManagementServiceConfig { ServiceURL = _moto!.Url.ToString(), AuthenticationRegion = Region });
        return (await admin.CreateKeyAsync(new CreateKeyRequest { Description = "QuantaProxy outage test" })).KeyMetadata.Arn;
    }

    private AwsKmsKeyWrapper NewWrapper(string defaultKeyId) =>
        new(Options.Create(new KmsOptions
        {
            Provider = KmsProvider.AwsKms,
            Region = Region,
            KeyId = defaultKeyId,
            ServiceUrl = _forwarder!.Url.ToString(),
            CallTimeout = TimeSpan.FromSeconds(2),
            MaxRetries = 1,
        }), NullLogger<AwsKmsKeyWrapper>.Instance);

    private static UnwrappedKeyCache NewCache(TimeProvider time) =>
        new(Options.Create(new KmsOptions { CacheTtl = Ttl, CacheMaxUses = 1_000 }), time);

    /// <summary>Signs with the checkpoint key held in <paramref name="cache"/>, unwrapping it through <paramref name="wrapper"/> when needed.</summary>
    private static ValueTask<byte[]> SignAsync(UnwrappedKeyCache cache, IKeyWrapper wrapper, string keyArn, byte[] wrapped, string cacheKey) =>
        cache.UseAsync(
            cacheKey,
            ct => wrapper.UnwrapAsync(keyArn, wrapped, Context, ct),
            static seed => MlDsa65PrivateKey.FromSeed(seed),
            static key => key.Sign(Message, SignatureContext),
            CancellationToken.None);

    [TestCase(PausableTcpForwarder.OutageMode.Reset)]
    [TestCase(PausableTcpForwarder.OutageMode.Blackhole)]
    public async Task Cached_keys_serve_through_an_outage_then_fail_closed_then_recover(PausableTcpForwarder.OutageMode outage)
    {
        var keyArn = await CreateKeyAsync();
        using var wrapper = NewWrapper(keyArn);
        var time = new ManualTimeProvider();
        using var cache = NewCache(time);
        var seed = MlDsa65.GenerateSeed();
        var publicKey = MlDsa65PrivateKey.FromSeed(seed).PublicKey;
        var wrapped = await wrapper.WrapAsync(keyArn, seed, Context, CancellationToken.None);
        const string cacheKey = "ten_01JTESTTENANT0000000000000/audit-checkpoint/sgk_01JTESTKEY000000000000000";

        var beforeOutage = await SignAsync(cache, wrapper, keyArn, wrapped, cacheKey);

        _forwarder!.StartOutage(outage);
        var readyDuringOutage = await wrapper.CheckReachableAsync(CancellationToken.None);
        Assert.ThrowsAsync<KmsUnavailableException>(() => wrapper.UnwrapAsync(keyArn, wrapped, Context, CancellationToken.None), "KMS itself is unreachable");
        var servedFromCache = await SignAsync(cache, wrapper, keyArn, wrapped, cacheKey);

        time.Advance(Ttl + TimeSpan.FromSeconds(1));
        Assert.ThrowsAsync<KmsUnavailableException>(async () => await SignAsync(cache, wrapper, keyArn, wrapped, cacheKey), "expired, and KMS is down: fail closed");
        Assert.ThrowsAsync<KmsUnavailableException>(async () => await SignAsync(cache, wrapper, keyArn, wrapped, cacheKey), "the failure was not cached: KMS is asked again, and is still down");
        var statsDuringOutage = cache.GetStats();

        _forwarder.EndOutage();
        var afterRecovery = await SignAsync(cache, wrapper, keyArn, wrapped, cacheKey);
        var readyAfterRecovery = await wrapper.CheckReachableAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(readyDuringOutage, Is.False);
            Assert.That(readyAfterRecovery, Is.True);
            Assert.That(new[] { beforeOutage, servedFromCache, afterRecovery }.Select(s => publicKey.Verify(Message, SignatureContext, s)), Has.All.True);
            Assert.That(statsDuringOutage.UnwrapCalls, Is.EqualTo(3), "one before the outage, one per call after expiry");
            Assert.That(statsDuringOutage.UnwrapFailures, Is.EqualTo(2));
            Assert.That(statsDuringOutage.Hits, Is.EqualTo(1), "the call during the outage was served from memory");
            Assert.That(cache.GetStats().UnwrapCalls, Is.EqualTo(4), "recovery made one new unwrap");
        });
    }

    [Test]
    public async Task After_kms_restarts_with_its_memory_lost_the_same_wrapper_and_cache_work_with_new_keys()
    {
        var keyArn = await CreateKeyAsync();
        using var wrapper = NewWrapper(keyArn);
        var time = new ManualTimeProvider();
        using var cache = NewCache(time);
        var seed = MlDsa65.GenerateSeed();
        var wrapped = await wrapper.WrapAsync(keyArn, seed, Context, CancellationToken.None);
        await SignAsync(cache, wrapper, keyArn, wrapped, "old");

        _moto!.Kill();
        var servedFromCache = await SignAsync(cache, wrapper, keyArn, wrapped, "old");
        time.Advance(Ttl + TimeSpan.FromSeconds(1));
        Assert.ThrowsAsync<KmsUnavailableException>(async () => await SignAsync(cache, wrapper, keyArn, wrapped, "old"), "KMS process is down");

        _moto.Dispose();
        _moto = await MotoServerProcess.StartAsync(_motoExecutable);
        _forwarder!.Retarget(_moto.Port);

        // moto keeps keys in memory only: the old key is gone. That is a refusal (never retried blindly), not an outage.
        Assert.ThrowsAsync<KeyUnwrapException>(async () => await SignAsync(cache, wrapper, keyArn, wrapped, "old"));
        var readyWithTheOldDefaultKey = await wrapper.CheckReachableAsync(CancellationToken.None);

        var newKeyArn = await CreateKeyAsync();
        var newSeed = MlDsa65.GenerateSeed();
        var newWrapped = await wrapper.WrapAsync(newKeyArn, newSeed, Context, CancellationToken.None);
        var signature = await SignAsync(cache, wrapper, newKeyArn, newWrapped, "new");

        Assert.Multiple(() =>
        {
            Assert.That(MlDsa65PrivateKey.FromSeed(seed).PublicKey.Verify(Message, SignatureContext, servedFromCache), Is.True);
            Assert.That(readyWithTheOldDefaultKey, Is.False, "readiness checks the configured key, which this KMS no longer has");
            Assert.That(MlDsa65PrivateKey.FromSeed(newSeed).PublicKey.Verify(Message, SignatureContext, signature), Is.True);
            Assert.That(cache.GetStats().Entries, Is.EqualTo(1), "only the new key is cached; failures left nothing behind");
        });
    }
}
