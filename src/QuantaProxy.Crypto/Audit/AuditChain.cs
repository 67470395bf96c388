using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace QuantaProxy.Crypto.Audit;

/// <summary>
/// The hash chain of FORMATS.md §3:
/// <c>hash_i = SHA-256(F("qp-audit-v1") || hash_{i-1} || canonical_i)</c>, <c>hash_0</c> = 32 zero bytes. The canonical form
/// is written into one pooled buffer, so hashing an event allocates nothing (verification runs at millions of events).
/// </summary>
public static class AuditChain
{
    public const int HashSize = 32;
    private static readonly byte[] Domain = [0, 0, 0, 11, .. "qp-audit-v1"u8];

    public static ReadOnlySpan<byte> GenesisHash => new byte[HashSize];

    public static void ComputeHash(ReadOnlySpan<byte> previousHash, AuditEventRecord e, Span<byte> destination)
    {
        if (previousHash.Length != HashSize) throw new ArgumentException("The previous hash must be 32 bytes.", nameof(previousHash));
        if (destination.Length < HashSize) throw new ArgumentException("The destination must hold 32 bytes.", nameof(destination));
        Span<char> seqText = stackalloc char[20];
        e.Seq.TryFormat(seqText, out var seqLength, provider: CultureInfo.InvariantCulture);
        seqText = seqText[..seqLength];
        var size = Domain.Length + HashSize + 15 * 4
                   + Utf8(e.EventId) + Utf8(e.TenantId) + seqLength + Utf8(e.OccurredAt) + Utf8(e.Type) + Utf8(e.Actor) + Utf8(e.OnBehalfOf)
                   + Utf8(e.IntegrationId) + Utf8(e.Operation) + Utf8(e.Outcome) + Utf8(e.UpstreamStatus) + Utf8(e.UpstreamRequestId)
                   + Utf8(e.RequestDigest) + Utf8(e.ResponseDigest) + Utf8(e.Detail);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var span = buffer.AsSpan(0, size);
            var at = 0;
            Domain.CopyTo(span);
            at += Domain.Length;
            previousHash.CopyTo(span[at..]);
            at += HashSize;
            at = Write(span, at, e.EventId);
            at = Write(span, at, e.TenantId);
            at = Write(span, at, seqText);
            at = Write(span, at, e.OccurredAt);
            at = Write(span, at, e.Type);
            at = Write(span, at, e.Actor);
            at = Write(span, at, e.OnBehalfOf);
            at = Write(span, at, e.IntegrationId);
            at = Write(span, at, e.Operation);
            at = Write(span, at, e.Outcome);
            at = Write(span, at, e.UpstreamStatus);
            at = Write(span, at, e.UpstreamRequestId);
            at = Write(span, at, e.RequestDigest);
            at = Write(span, at, e.ResponseDigest);
            at = Write(span, at, e.Detail);
            SHA256.HashData(span[..at], destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static byte[] ComputeHash(ReadOnlySpan<byte> previousHash, AuditEventRecord e)
    {
        var hash = new byte[HashSize];
        ComputeHash(previousHash, e, hash);
        return hash;
    }

    private static int Utf8(string? s) => s is null ? 0 : Encoding.UTF8.GetByteCount(s);

    private static int Write(Span<byte> span, int at, ReadOnlySpan<char> value)
    {
        var length = Encoding.UTF8.GetBytes(value, span[(at + 4)..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[at..], (uint)length);
        return at + 4 + length;
    }
}
