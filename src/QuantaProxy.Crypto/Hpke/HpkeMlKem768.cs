using System.Security.Cryptography;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Crypto.Hpke;

/// <summary>
/// HPKE base mode for the suite ML-KEM-768 (KEM 0x0041, draft-ietf-hpke-pq), HKDF-SHA256 (0x0001), AES-256-GCM (0x0002).
/// The KEM's shared secret is ML-KEM's own (no extract-and-expand), <c>enc</c> is the 1088-byte ML-KEM ciphertext.
/// </summary>
public static class HpkeMlKem768
{
    public const ushort KemId = 0x0041;
    public const ushort KdfId = HpkeKeySchedule.KdfHkdfSha256;
    public const ushort AeadId = 0x0002;
    public const int Nk = 32;
    public const int EncSize = MlKem768.CiphertextSize;

    private static readonly byte[] Suite = HpkeKeySchedule.SuiteId(KemId, KdfId, AeadId);

    /// <summary>SetupBaseS(pkR, info): encapsulates to <paramref name="recipient"/> and returns enc and the sender context.</summary>
    public static (byte[] Enc, HpkeContext Context) SetupBaseSender(MlKem768PublicKey recipient, ReadOnlySpan<byte> info)
    {
        var enc = new byte[EncSize];
        Span<byte> sharedSecret = stackalloc byte[MlKem768.SharedSecretSize];
        try
        {
            recipient.Encapsulate(enc, sharedSecret);
            return (enc, Schedule(sharedSecret, info));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    /// <summary>SetupBaseR(enc, skR, info): decapsulates and returns the recipient context.</summary>
    public static HpkeContext SetupBaseRecipient(ReadOnlySpan<byte> enc, MlKem768PrivateKey recipient, ReadOnlySpan<byte> info)
    {
        if (enc.Length != EncSize) throw new CryptographicException("HPKE enc for ML-KEM-768 must be 1088 bytes.");
        Span<byte> sharedSecret = stackalloc byte[MlKem768.SharedSecretSize];
        try
        {
            recipient.Decapsulate(enc, sharedSecret);
            return Schedule(sharedSecret, info);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sharedSecret);
        }
    }

    private static HpkeContext Schedule(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info)
    {
        var material = HpkeKeySchedule.Derive(Suite, Nk, sharedSecret, info);
        try
        {
            return new HpkeContext(material);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material.Key);
        }
    }
}
