using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace QuantaProxy.Crypto.Primitives;

/// <summary>Sizes of ML-DSA-65 (FIPS 204), pure mode.</summary>
public static class MlDsa65
{
    public const int PublicKeySize = 1952;
    public const int SignatureSize = 3309;
    /// <summary>The private key is kept as the 32-byte seed ξ.</summary>
    public const int SeedSize = 32;
    /// <summary>FIPS 204 limits the context string to 255 bytes.</summary>
    public const int MaxContextSize = 255;

    internal static readonly MLDsaParameters Parameters = MLDsaParameters.ml_dsa_65;
    internal static readonly SecureRandom Random = new();

    public static byte[] GenerateSeed() => RandomNumberGenerator.GetBytes(SeedSize);

    internal static void CheckContext(ReadOnlySpan<byte> context)
    {
        if (context.Length > MaxContextSize) throw new ArgumentException("ML-DSA context string is longer than 255 bytes.", nameof(context));
    }
}

/// <summary>An ML-DSA-65 verification key. Immutable and safe to share between threads.</summary>
public sealed class MlDsa65PublicKey
{
    private readonly MLDsaPublicKeyParameters _key;
    private readonly byte[] _encoded;

    private MlDsa65PublicKey(MLDsaPublicKeyParameters key, byte[] encoded)
    {
        _key = key;
        _encoded = encoded;
    }

    public static MlDsa65PublicKey FromEncoding(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != MlDsa65.PublicKeySize)
            throw new CryptographicException($"ML-DSA-65 public key must be {MlDsa65.PublicKeySize} bytes.");
        var copy = encoded.ToArray();
        try
        {
            return new MlDsa65PublicKey(MLDsaPublicKeyParameters.FromEncoding(MlDsa65.Parameters, copy), copy);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new CryptographicException("Invalid ML-DSA-65 public key.", e);
        }
    }

    internal static MlDsa65PublicKey FromParameters(MLDsaPublicKeyParameters key) => new(key, key.GetEncoded());

    public ReadOnlySpan<byte> Encoded => _encoded;

    public byte[] ToArray() => (byte[])_encoded.Clone();

    /// <summary>Verifies a pure ML-DSA-65 signature over <paramref name="message"/> with <paramref name="context"/>. Never throws for a bad signature.</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> context, ReadOnlySpan<byte> signature)
    {
        MlDsa65.CheckContext(context);
        if (signature.Length != MlDsa65.SignatureSize) return false;
        // BouncyCastle signers buffer the message: one per call keeps verification thread-safe.
        var verifier = new MLDsaSigner(MlDsa65.Parameters, deterministic: false);
        verifier.Init(false, new ParametersWithContext(_key, context));
        verifier.BlockUpdate(message);
        return verifier.VerifySignature(signature.ToArray());
    }
}

/// <summary>An ML-DSA-65 signing key expanded once from its 32-byte seed. Signing is hedged (FIPS 204 §3.4).</summary>
public sealed class MlDsa65PrivateKey
{
    private readonly MLDsaPrivateKeyParameters _key;

    private MlDsa65PrivateKey(MLDsaPrivateKeyParameters key)
    {
        _key = key;
        PublicKey = MlDsa65PublicKey.FromParameters(key.GetPublicKey());
    }

    public static MlDsa65PrivateKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != MlDsa65.SeedSize)
            throw new CryptographicException($"ML-DSA-65 seed must be {MlDsa65.SeedSize} bytes.");
        var copy = seed.ToArray();
        try
        {
            return new MlDsa65PrivateKey(MLDsaPrivateKeyParameters.FromSeed(MlDsa65.Parameters, copy, MLDsaPrivateKeyParameters.Format.EncodingOnly));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
    }

    public MlDsa65PublicKey PublicKey { get; }

    /// <summary>Signs <paramref name="message"/> (pure ML-DSA, hedged with fresh randomness) with the given context string.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message, ReadOnlySpan<byte> context)
    {
        MlDsa65.CheckContext(context);
        var signer = new MLDsaSigner(MlDsa65.Parameters, deterministic: false);
        signer.Init(true, new ParametersWithContext(new ParametersWithRandom(_key, MlDsa65.Random), context));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }
}
