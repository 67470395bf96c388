using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace QuantaProxy.Crypto.Formats;

/// <summary>
/// Builds the FORMATS.md encoding <c>F(x) = 4-byte big-endian length || x</c>, concatenated.
/// Used for every signed or hashed message so that no two field lists can encode to the same bytes.
/// </summary>
public sealed class LengthPrefixedWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public LengthPrefixedWriter(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public LengthPrefixedWriter Add(ReadOnlySpan<byte> value)
    {
        var span = _buffer.GetSpan(4 + value.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span, checked((uint)value.Length));
        value.CopyTo(span[4..]);
        _buffer.Advance(4 + value.Length);
        return this;
    }

    public LengthPrefixedWriter Add(string? value)
    {
        value ??= string.Empty;
        var length = Encoding.UTF8.GetByteCount(value);
        var span = _buffer.GetSpan(4 + length);
        BinaryPrimitives.WriteUInt32BigEndian(span, checked((uint)length));
        Encoding.UTF8.GetBytes(value, span[4..]);
        _buffer.Advance(4 + length);
        return this;
    }

    /// <summary>Booleans are the strings <c>true</c> / <c>false</c>.</summary>
    public LengthPrefixedWriter Add(bool value) => Add(value ? "true" : "false");

    /// <summary>Appends raw bytes with no length prefix (for the fixed-size parts of a hash input).</summary>
    public LengthPrefixedWriter AddRaw(ReadOnlySpan<byte> value)
    {
        _buffer.Write(value);
        return this;
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
