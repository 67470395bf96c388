using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Tests.Kms.Support;
using QuantaProxy.Gateway.Health;

namespace QuantaProxy.Gateway.Tests.Core;

public sealed class ReadinessTests
{
    /// <summary>Counts reachability checks; every other member is outside what readiness may touch.</summary>
    private sealed class CountingKms : IKeyWrapper
    {
        public int Checks;
        public Task<bool> CheckReachableAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref Checks);
            return Task.FromResult(true);
        }
        public string Provider => "counting";
        public Task<byte[]> WrapAsync(string keyId, ReadOnlyMemory<byte> plaintext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct) =>
            throw new InvalidOperationException("readiness must not wrap");
        public Task<byte[]> UnwrapAsync(string keyId, ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct) =>
            throw new InvalidOperationException("readiness must not unwrap");
    }

    [Test]
    public async Task Many_probes_cost_one_KMS_call_per_interval()
    {
        var kms = new CountingKms();
        var time = new ManualTimeProvider();
        using var readiness = new KmsReadiness(kms, time);
        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => readiness.IsReachableAsync(CancellationToken.None)));
        Assert.That(kms.Checks, Is.EqualTo(1));
        time.Advance(KmsReadiness.CacheFor);
        for (var i = 0; i < 50; i++) await readiness.IsReachableAsync(CancellationToken.None);
        Assert.That(kms.Checks, Is.EqualTo(2));
    }
}
