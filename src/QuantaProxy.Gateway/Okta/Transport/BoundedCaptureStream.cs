namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>A write-only in-memory sink that refuses to grow beyond a limit, so a huge upstream answer cannot exhaust memory.</summary>
internal sealed class BoundedCaptureStream(int limit) : Stream
{
    private readonly MemoryStream _buffer = new();

    public bool Overflowed { get; private set; }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _buffer.Length;
    public override long Position { get => _buffer.Length; set => throw new NotSupportedException(); }

    public ReadOnlyMemory<byte> Captured => _buffer.GetBuffer().AsMemory(0, (int)_buffer.Length);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_buffer.Length + buffer.Length > limit)
        {
            Overflowed = true;
            throw new IOException("The upstream response exceeded the size limit.");
        }
        _buffer.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _buffer.Dispose();
        base.Dispose(disposing);
    }
}
