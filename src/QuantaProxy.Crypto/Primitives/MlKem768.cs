using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace QuantaProxy.Crypto.Primitives;

/// <summary>Sizes of ML-KEM-768 (FIPS 203).</summary>
public static class MlKem768
{
    public const int PublicKeySize = 1184;
    public const int CiphertextSize = 1088;
    public const int SharedSecretSize = 32;
    /// <summary>The private key is kept as the 64-byte seed d‖z.</summary>
    public const int SeedSize = 64;

    internal static readonly MLKemParameters Parameters = MLKemParameters.ml_kem_768;
    internal static readonly SecureRandom Random = new();

    /// <summary>Generates a fresh 64-byte seed from the OS CSPRNG. The caller owns (and must zero) it.</summary>
    public static byte[] GenerateSeed() => RandomNumberGenerator.GetBytes(SeedSize);
}

/// <summary>An ML-KEM-768 encapsulation (public) key. Immutable and safe to share between threads.</summary>
public sealed class MlKem768PublicKey
{
    private readonly MLKemPublicKeyParameters _key;
    private readonly byte[] _encoded;

    private MlKem768PublicKey(MLKemPublicKeyParameters key, byte[] encoded)
    {
        _key = key;
        _encoded = encoded;
    }

    /// <summary>Parses the 1184-byte encoding; throws <see cref="CryptographicException"/> on a wrong length or an invalid key.</summary>
    public static MlKem768PublicKey FromEncoding(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != MlKem768.PublicKeySize)
            throw new CryptographicException($"ML-KEM-768 public key must be {MlKem768.PublicKeySize} bytes.");
        var copy = encoded.ToArray();
        try
        {
            return new MlKem768PublicKey(MLKemPublicKeyParameters.FromEncoding(MlKem768.Parameters, copy), copy);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new CryptographicException("Invalid ML-KEM-768 public key.", e);
        }
    }

    internal static MlKem768PublicKey FromParameters(MLKemPublicKeyParameters key) => new(key, key.GetEncoded());

    public ReadOnlySpan<byte> Encoded => _encoded;

    public byte[] ToArray() => (byte[])_encoded.Clone();

    /// <summary>Encapsulates a fresh shared secret to this key.</summary>
    /// <param name="ciphertext">Receives the 1088-byte ciphertext (HPKE's enc).</param>
    /// <param name="sharedSecret">Receives the 32-byte shared secret; the caller zeroes it after use.</param>
    public void Encapsulate(Span<byte> ciphertext, Span<byte> sharedSecret)
    {
        if (ciphertext.Length != MlKem768.CiphertextSize) throw new ArgumentException("Wrong ciphertext buffer size.", nameof(ciphertext));
        if (sharedSecret.Length != MlKem768.SharedSecretSize) throw new ArgumentException("Wrong secret buffer size.", nameof(sharedSecret));
        // An encapsulator is a few fields around the (immutable, pre-expanded) key: one per call keeps this thread-safe.
        var encapsulator = new MLKemEncapsulator(MlKem768.Parameters);
        encapsulator.Init(new ParametersWithRandom(_key, MlKem768.Random));
        encapsulator.Encapsulate(ciphertext, sharedSecret);
    }
}

/// <summary>
/// An ML-KEM-768 decapsulation key, built once from its 64-byte seed and kept expanded.
/// Dispose it to drop the reference; the seed copy it was given is zeroed by the caller.
/// </summary>
public sealed class MlKem768PrivateKey
{
    private readonly MLKemPrivateKeyParameters _key;

    private MlKem768PrivateKey(MLKemPrivateKeyParameters key)
    {
        _key = key;
        PublicKey = MlKem768PublicKey.FromParameters(key.GetPublicKey());
    }

    /// <summary>Expands the 64-byte seed d‖z (FIPS 203 ML-KEM.KeyGen_internal). The seed is not retained by this object.</summary>
    public static MlKem768PrivateKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != MlKem768.SeedSize)
            throw new CryptographicException($"ML-KEM-768 seed must be {MlKem768.SeedSize} bytes.");
        var copy = seed.ToArray();
        try
        {
            return new MlKem768PrivateKey(MLKemPrivateKeyParameters.FromSeed(MlKem768.Parameters, copy, MLKemPrivateKeyParameters.Format.EncodingOnly));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
    }

    public MlKem768PublicKey PublicKey { get; }

    /// <summary>Decapsulates <paramref name="ciphertext"/> (implicit rejection: a forged ciphertext yields an unrelated secret).</summary>
    public void Decapsulate(ReadOnlySpan<byte> ciphertext, Span<byte> sharedSecret)
    {
        if (ciphertext.Length != MlKem768.CiphertextSize) throw new CryptographicException("ML-KEM-768 ciphertext must be 1088 bytes.");
        if (sharedSecret.Length != MlKem768.SharedSecretSize) throw new ArgumentException("Wrong secret buffer size.", nameof(sharedSecret));
        var decapsulator = new MLKemDecapsulator(MlKem768.Parameters);
        decapsulator.Init(_key);
        decapsulator.Decapsulate(ciphertext, sharedSecret);
    }
}
