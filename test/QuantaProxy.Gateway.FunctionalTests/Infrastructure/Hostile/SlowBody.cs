using System.Net.Sockets;
using System.Text;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure.Hostile;

/// <summary>
/// A request whose body trickles in over a raw socket and then stalls or never ends — what HttpClient cannot be made
/// to send. Returns the gateway's answer (status, Content-Type, body) or fails the test if none comes within the
/// hang guard.
/// </summary>
public static class SlowBody
{
    public enum Pattern
    {
        /// <summary>Content-Length promises the whole body; half is sent, then nothing.</summary>
        StallAfterHalf,

        /// <summary>A byte at a time, fast enough for the data-rate check, never reaching the promised length.</summary>
        EndlessTrickle,

        /// <summary>Chunked: one chunk, then nothing (no terminating chunk).</summary>
        ChunkedStall,
    }

    public static async Task<(int Status, string? ContentType, string Body)> SendAsync(Uri gateway, string method, string path, string apiKey, byte[] body, Pattern pattern, TimeSpan hangGuard)
    {
        using var guard = new CancellationTokenSource(hangGuard);
        using var socket = new TcpClient { NoDelay = true };
        await socket.ConnectAsync(gateway.Host, gateway.Port, guard.Token);
        var stream = socket.GetStream();
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(gateway.Authority).Append("\r\n")
            .Append("X-API-Key: ").Append(apiKey).Append("\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append(pattern == Pattern.ChunkedStall ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {(pattern == Pattern.EndlessTrickle ? 100_000 : body.Length * 2)}\r\n")
            .Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), guard.Token);
        var response = ReadResponseAsync(stream, guard.Token);
        var sending = pattern switch
        {
            Pattern.StallAfterHalf => stream.WriteAsync(body.AsMemory(0, body.Length / 2), guard.Token).AsTask(),
            Pattern.ChunkedStall => stream.WriteAsync(Encoding.ASCII.GetBytes($"{body.Length / 2:X}\r\n").Concat(body[..(body.Length / 2)]).Concat("\r\n"u8.ToArray()).ToArray(), guard.Token).AsTask(),
            _ => TrickleAsync(stream, response, guard.Token),
        };
        try
        {
            var answer = await response;
            return answer;
        }
        catch (OperationCanceledException) when (guard.IsCancellationRequested)
        {
            Assert.Fail($"{pattern} {method} {path}: no answer within {hangGuard.TotalSeconds} s");
            throw;
        }
        finally
        {
            try
            {
                await sending;
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The gateway closing the connection on a cut-off upload is expected.
            }
        }
    }

    /// <summary>Spaces are valid JSON whitespace: the body stays parseable-looking while it never ends.</summary>
    private static async Task TrickleAsync(NetworkStream stream, Task answered, CancellationToken ct)
    {
        var space = " "u8.ToArray();
        while (!answered.IsCompleted && !ct.IsCancellationRequested)
        {
            await stream.WriteAsync(space, ct);
            await Task.Delay(10, ct);
        }
    }

    /// <summary>Reads one HTTP/1.1 response, with a Content-Length or chunked body (problem+json is written chunked).</summary>
    private static async Task<(int Status, string? ContentType, string Body)> ReadResponseAsync(NetworkStream stream, CancellationToken ct)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var n = await stream.ReadAsync(buffer, ct);
            var text = Encoding.UTF8.GetString(received.ToArray());
            if (n > 0)
            {
                received.Write(buffer, 0, n);
                text = Encoding.UTF8.GetString(received.ToArray());
            }
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                Assert.That(n, Is.GreaterThan(0), $"the connection closed without an answer: '{text}'");
                continue;
            }
            var head = text[..end];
            var rest = text[(end + 4)..];
            var status = int.Parse(text.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
            var mediaType = HeaderValue(head, "Content-Type")?.Split(';')[0].Trim();
            if (string.Equals(HeaderValue(head, "Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
            {
                if (Dechunk(rest) is { } body) return (status, mediaType, body);
            }
            else
            {
                var length = HeaderValue(head, "Content-Length") is { } l ? int.Parse(l, System.Globalization.CultureInfo.InvariantCulture) : 0;
                if (Encoding.UTF8.GetByteCount(rest) >= length) return (status, mediaType, rest);
            }
            Assert.That(n, Is.GreaterThan(0), $"the connection closed in the middle of the answer: '{text}'");
        }
    }

    /// <summary>The body of a complete chunked message, or null while the last chunk has not arrived.</summary>
    private static string? Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (lineEnd < 0) return null;
            var size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0].Trim(), 16);
            if (size == 0) return body.ToString();
            if (chunked.Length < lineEnd + 2 + size + 2) return null;
            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static string? HeaderValue(string head, string name) =>
        head.Split("\r\n").Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault();
}
