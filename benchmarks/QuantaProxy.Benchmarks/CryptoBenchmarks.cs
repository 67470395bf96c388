using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Benchmarks;

/// <summary>The primitives on their own: ML-KEM-768 and ML-DSA-65 (BouncyCastle), with keys expanded once.</summary>
[MemoryDiagnoser]
public class PrimitiveBenchmarks
{
    private MlKem768PrivateKey _kem = null!;
    private byte[] _ciphertext = null!;
    private readonly byte[] _secret = new byte[32];
    private byte[] _kemSeed = null!;
    private MlDsa65PrivateKey _dsa = null!;
    private byte[] _dsaSeed = null!;
    private byte[][] _messages = null!;
    private byte[] _signature = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _kemSeed = MlKem768.GenerateSeed();
        _kem = MlKem768PrivateKey.FromSeed(_kemSeed);
        _ciphertext = new byte[MlKem768.CiphertextSize];
        _kem.PublicKey.Encapsulate(_ciphertext, _secret);
        _dsaSeed = MlDsa65.GenerateSeed();
        _dsa = MlDsa65PrivateKey.FromSeed(_dsaSeed);
        // Signing time depends on the message (rejection sampling): rotate through 64 different ~1.5 KiB messages.
        _messages = Enumerable.Range(0, 64).Select(_ => RandomNumberGenerator.GetBytes(1500)).ToArray();
        _signature = _dsa.Sign(_messages[0], "ctx"u8);
    }

    [Benchmark] public void MlKem768_Encapsulate() => _kem.PublicKey.Encapsulate(_ciphertext.AsSpan(), _secret);

    [Benchmark] public void MlKem768_Decapsulate() => _kem.Decapsulate(_ciphertext, _secret);

    [Benchmark] public MlKem768PrivateKey MlKem768_ExpandSeed() => MlKem768PrivateKey.FromSeed(_kemSeed);

    [Benchmark] public byte[] MlDsa65_Sign_VariedMessages() => _dsa.Sign(_messages[_next++ & 63], "quantaproxy/envelope/v1"u8);

    [Benchmark] public bool MlDsa65_Verify() => _dsa.PublicKey.Verify(_messages[0], "ctx"u8, _signature);

    /// <summary>What signing costs when the key is expanded from its seed on every call (what the key cache avoids).</summary>
    [Benchmark] public byte[] MlDsa65_Sign_ExpandingKeyPerCall() => MlDsa65PrivateKey.FromSeed(_dsaSeed).Sign(_messages[_next++ & 63], "quantaproxy/envelope/v1"u8);

    [Benchmark] public byte[] HmacSha512_1KiB() => HMACSHA512.HashData(_dsaSeed, _messages[0].AsSpan(0, 1024));
}

/// <summary>Envelope seal and open (FORMATS.md §1) at three plaintext sizes, keys expanded once as the gateway keeps them.</summary>
[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    private EnvelopeSealer _sealer = null!;
    private EnvelopeOpener _opener = null!;
    private byte[] _plaintext = null!;
    private byte[] _envelope = null!;
    private TenantKeyBundle _bundle = null!;

    [Params(1024, 16 * 1024, 256 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var seed = MlKem768.GenerateSeed();
        var signing = MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed());
        var hmac = RandomNumberGenerator.GetBytes(64);
        _bundle = new TenantKeyBundle("ten_01JBENCHBENCHBENCHBENCHBEN", [new TenantKeyBundle.EnvelopeKey("ekk_01JBENCHBENCHBENCHBENCHBEN", seed)],
            [new TenantKeyBundle.SigningKey("sgk_01JBENCHBENCHBENCHBENCHBEN", signing.PublicKey)], hmac, []);
        _sealer = new EnvelopeSealer("ten_01JBENCHBENCHBENCHBENCHBEN", "ekk_01JBENCHBENCHBENCHBENCHBEN", _bundle.EnvelopeKeys[0].PrivateKey.PublicKey,
            "sgk_01JBENCHBENCHBENCHBENCHBEN", signing, hmac);
        _opener = new EnvelopeOpener(_bundle);
        _plaintext = RandomNumberGenerator.GetBytes(Size);
        _envelope = Seal().ToUtf8Json();
    }

    private SealedEnvelope Seal() => _sealer.Seal(_plaintext, true, "aud_01JBENCHBENCHBENCHBENCHBEN", "req_01JBENCHBENCHBENCHBENCHBEN", DateTimeOffset.UtcNow);

    [Benchmark] public SealedEnvelope Envelope_Seal() => Seal();

    [Benchmark] public byte[] Envelope_SealAndSerialize() => Seal().ToUtf8Json();

    [Benchmark] public OpenedEnvelope Envelope_ParseAndOpen() => _opener.Open(_envelope);
}
