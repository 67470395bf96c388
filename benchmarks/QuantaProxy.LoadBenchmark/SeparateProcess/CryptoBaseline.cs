using System.Diagnostics;
using System.Security.Cryptography;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>
/// What sealing costs with nothing else running: the crypto ceiling (envelopes sealed per second with one thread per
/// core) and the time of one seal on one thread. Both include the JSON serialisation the gateway does for every answer.
/// </summary>
internal sealed class CryptoBaseline : IDisposable
{
    private readonly EnvelopeSealer _sealer;

    public CryptoBaseline()
    {
        var seed = MlKem768.GenerateSeed();
        _sealer = new EnvelopeSealer("ten_01JBENCHBENCHBENCHBENCHBEN", "ekk_01JBENCHBENCHBENCHBENCHBEN", MlKem768PrivateKey.FromSeed(seed).PublicKey,
            "sgk_01JBENCHBENCHBENCHBENCHBEN", MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed()), RandomNumberGenerator.GetBytes(64));
    }

    /// <summary>Envelopes of <paramref name="plaintextBytes"/> sealed per second, one thread per core.</summary>
    public double CeilingPerSecond(int plaintextBytes, TimeSpan duration)
    {
        var plaintext = RandomNumberGenerator.GetBytes(plaintextBytes);
        WarmUp(plaintext);
        long count = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var watch = Stopwatch.StartNew();
        Parallel.For(0, Environment.ProcessorCount, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, _ =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                Seal(plaintext);
                Interlocked.Increment(ref count);
            }
        });
        return count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Median time of one seal on one thread, in milliseconds (ML-DSA signing time varies per message).</summary>
    public double SingleSealMedianMs(int plaintextBytes, TimeSpan duration)
    {
        var plaintext = RandomNumberGenerator.GetBytes(plaintextBytes);
        WarmUp(plaintext);
        var times = new List<double>();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var started = Stopwatch.GetTimestamp();
            Seal(plaintext);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>Half a second of sealing first, so tiered JIT has compiled the hot code before anything is timed.</summary>
    private void WarmUp(byte[] plaintext)
    {
        var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
        while (Stopwatch.GetTimestamp() < until) Seal(plaintext);
    }

    private void Seal(byte[] plaintext) =>
        _sealer.Seal(plaintext, true, "aud_01JBENCHBENCHBENCHBENCHBEN", "req_01JBENCHBENCHBENCHBENCHBEN", DateTimeOffset.UtcNow).ToUtf8Json();

    public void Dispose() => _sealer.Dispose();
}
