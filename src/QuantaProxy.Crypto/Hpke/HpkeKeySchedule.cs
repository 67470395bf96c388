using System.Buffers.Binary;
using System.Security.Cryptography;

namespace QuantaProxy.Crypto.Hpke;

/// <summary>
/// The RFC 9180 §5.1 key schedule for base mode (no PSK) with HKDF-SHA256, over .NET's HKDF. Generic in the suite ids and
/// the AEAD key length so it can be checked against RFC 9180's published vectors (Appendix A), which use other KEMs.
/// </summary>
public static class HpkeKeySchedule
{
    public const byte ModeBase = 0x00;
    public const ushort KdfHkdfSha256 = 0x0001;
    public const int Nh = 32;
    public const int Nn = 12;
    private static readonly byte[] Version = "HPKE-v1"u8.ToArray();

    /// <summary><c>suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2)</c>.</summary>
    public static byte[] SuiteId(ushort kemId, ushort kdfId, ushort aeadId)
    {
        var id = new byte[10];
        "HPKE"u8.CopyTo(id);
        BinaryPrimitives.WriteUInt16BigEndian(id.AsSpan(4), kemId);
        BinaryPrimitives.WriteUInt16BigEndian(id.AsSpan(6), kdfId);
        BinaryPrimitives.WriteUInt16BigEndian(id.AsSpan(8), aeadId);
        return id;
    }

    /// <summary>Runs KeySchedule(mode_base, shared_secret, info, "", "") and returns key (Nk bytes), base_nonce and exporter_secret.</summary>
    public static HpkeKeyMaterial Derive(ReadOnlySpan<byte> suiteId, int nk, ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> info)
    {
        Span<byte> pskIdHash = stackalloc byte[Nh];
        Span<byte> infoHash = stackalloc byte[Nh];
        Span<byte> secret = stackalloc byte[Nh];
        LabeledExtract(suiteId, [], "psk_id_hash"u8, [], pskIdHash);
        LabeledExtract(suiteId, [], "info_hash"u8, info, infoHash);
        var context = new byte[1 + 2 * Nh];
        context[0] = ModeBase;
        pskIdHash.CopyTo(context.AsSpan(1));
        infoHash.CopyTo(context.AsSpan(1 + Nh));
        LabeledExtract(suiteId, sharedSecret, "secret"u8, [], secret);
        try
        {
            var key = new byte[nk];
            var baseNonce = new byte[Nn];
            var exporter = new byte[Nh];
            LabeledExpand(suiteId, secret, "key"u8, context, key);
            LabeledExpand(suiteId, secret, "base_nonce"u8, context, baseNonce);
            LabeledExpand(suiteId, secret, "exp"u8, context, exporter);
            return new HpkeKeyMaterial(key, baseNonce, exporter, context);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary><c>LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm)</c>.</summary>
    public static void LabeledExtract(ReadOnlySpan<byte> suiteId, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> label, ReadOnlySpan<byte> ikm, Span<byte> prk)
    {
        var labeled = new byte[Version.Length + suiteId.Length + label.Length + ikm.Length];
        try
        {
            Version.CopyTo(labeled, 0);
            suiteId.CopyTo(labeled.AsSpan(Version.Length));
            label.CopyTo(labeled.AsSpan(Version.Length + suiteId.Length));
            ikm.CopyTo(labeled.AsSpan(Version.Length + suiteId.Length + label.Length));
            HKDF.Extract(HashAlgorithmName.SHA256, labeled, salt, prk);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(labeled);
        }
    }

    /// <summary><c>LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L)</c>.</summary>
    public static void LabeledExpand(ReadOnlySpan<byte> suiteId, ReadOnlySpan<byte> prk, ReadOnlySpan<byte> label, ReadOnlySpan<byte> info, Span<byte> output)
    {
        var labeled = new byte[2 + Version.Length + suiteId.Length + label.Length + info.Length];
        BinaryPrimitives.WriteUInt16BigEndian(labeled, checked((ushort)output.Length));
        Version.CopyTo(labeled, 2);
        suiteId.CopyTo(labeled.AsSpan(2 + Version.Length));
        label.CopyTo(labeled.AsSpan(2 + Version.Length + suiteId.Length));
        info.CopyTo(labeled.AsSpan(2 + Version.Length + suiteId.Length + label.Length));
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, labeled);
    }
}

/// <summary>The outputs of the key schedule. <see cref="Key"/> and <see cref="ExporterSecret"/> are secret: zero them with <see cref="Clear"/>.</summary>
public sealed record HpkeKeyMaterial(byte[] Key, byte[] BaseNonce, byte[] ExporterSecret, byte[] KeyScheduleContext)
{
    public void Clear()
    {
        CryptographicOperations.ZeroMemory(Key);
        CryptographicOperations.ZeroMemory(ExporterSecret);
    }
}
