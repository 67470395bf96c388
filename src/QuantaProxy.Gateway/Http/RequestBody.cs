using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Settings;

namespace QuantaProxy.Gateway.Http;

/// <summary>
/// Reads a JSON request body by hand rather than through model binding, so that every refusal is a precise problem:
/// 415 for a wrong content type, 413 past the size limit, 400 naming the JSON path of the offending member.
/// The SHA-256 of the body as received becomes the audit event's request_digest.
/// </summary>
public sealed class RequestBody(IOptions<GatewayOptions> options)
{
    public async Task<(T Value, byte[] Raw)> ReadJsonAsync<T>(HttpContext http) where T : class
    {
        var raw = await ReadRawAsync(http);
        try
        {
            var value = JsonSerializer.Deserialize<T>(raw, GatewayJson.Options)
                        ?? throw new ApiException(400, ProblemCodes.InvalidJson, "The body must be a JSON object, not null.");
            return (value, raw);
        }
        catch (JsonException e)
        {
            throw new ApiException(400, ProblemCodes.InvalidJson, Describe(e), FieldOf(e));
        }
    }

    public async Task<byte[]> ReadRawAsync(HttpContext http)
    {
        var request = http.Request;
        if (request.ContentType is null || !IsJson(request.ContentType))
            throw new ApiException(415, ProblemCodes.UnsupportedMediaType, "Send the body as application/json.");
        var limit = options.Value.Limits.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            // The unread body stays on the wire: tell the client this connection is done rather than let it reuse it.
            http.Response.Headers.Connection = "close";
            throw new ApiException(413, ProblemCodes.PayloadTooLarge, $"The body is larger than {limit} bytes.");
        }
        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and var n ? (int)n : 1024);
        var timeLimit = options.Value.Limits.RequestBodyTimeout;
        var reader = request.BodyReader;
        // At the deadline the pending read is cancelled the way Kestrel's own data-rate timeout does it
        // (CancelPendingRead, not a cancelled token): the reader stays consistent, so the connection winds down cleanly.
        using var deadline = new CancellationTokenSource(timeLimit);
        using var _ = deadline.Token.Register(reader.CancelPendingRead);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(http.RequestAborted);
                if (result.IsCanceled)
                {
                    // Hand the read back, or Kestrel finds it still in progress when it winds the request down.
                    reader.AdvanceTo(result.Buffer.Start);
                    // The rest of the body is still on the wire: this connection cannot carry another request.
                    http.Response.Headers.Connection = "close";
                    throw new ApiException(408, ProblemCodes.RequestTimeout,
                        string.Create(CultureInfo.InvariantCulture, $"The request body did not arrive within {timeLimit.TotalSeconds:0.###} s."));
                }
                var tooLarge = buffer.WrittenCount + result.Buffer.Length > limit;
                if (!tooLarge)
                    foreach (var segment in result.Buffer) buffer.Write(segment.Span);
                reader.AdvanceTo(result.Buffer.End);
                if (tooLarge)
                {
                    http.Response.Headers.Connection = "close";
                    throw new ApiException(413, ProblemCodes.PayloadTooLarge, $"The body is larger than {limit} bytes.");
                }
                if (result.IsCompleted) break;
            }
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's minimum data rate cuts off a stalled upload with 408; a malformed chunked body is 400.
            throw new ApiException(e.StatusCode, e.StatusCode switch
            {
                413 => ProblemCodes.PayloadTooLarge,
                408 => ProblemCodes.RequestTimeout,
                _ => ProblemCodes.InvalidRequest,
            }, e.StatusCode == 408 ? "The request body arrived too slowly." : "The request body could not be read.");
        }
        var raw = buffer.WrittenSpan.ToArray();
        if (!JsonText.IsValidUnicode(raw))
        {
            CryptographicOperations.ZeroMemory(raw);
            throw new ApiException(400, ProblemCodes.InvalidJson, "The body is not valid UTF-8 JSON text: a byte sequence or a \\u escape is not Unicode.", "$");
        }
        RequestDigest.Set(http, Convert.ToHexStringLower(SHA256.HashData(raw)));
        return raw;
    }

    private static bool IsJson(string contentType)
    {
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var media = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        if (!media.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return false;
        if (semicolon < 0) return true;
        var parameters = contentType[(semicolon + 1)..].Trim();
        return parameters.Length == 0 || parameters.Equals("charset=utf-8", StringComparison.OrdinalIgnoreCase);
    }

    internal static string FieldOf(JsonException e) => string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "$" : e.Path;

    /// <summary>A message naming the field, without echoing the (possibly secret) value.</summary>
    internal static string Describe(JsonException e)
    {
        var field = FieldOf(e);
        var message = e.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal) || message.Contains("unmapped", StringComparison.OrdinalIgnoreCase))
            return $"Unknown field at {field}.";
        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)) return $"Duplicate property at {field}.";
        if (message.Contains("missing required", StringComparison.OrdinalIgnoreCase)) return $"A required field is missing in {field}: {RequiredNames(message)}.";
        if (message.Contains("could not be converted", StringComparison.Ordinal)) return $"Wrong type at {field}.";
        if (message.Contains("null", StringComparison.OrdinalIgnoreCase)) return $"Null is not allowed at {field}.";
        if (message.Contains("depth", StringComparison.OrdinalIgnoreCase)) return "The JSON nests too deeply.";
        return $"Malformed JSON at {field}.";
    }

    private static string RequiredNames(string message)
    {
        var colon = message.LastIndexOf(':');
        if (colon < 0) return "see the API reference";
        var names = message[(colon + 1)..].Trim().TrimEnd('.');
        return names.Length > 200 ? names[..200] : names;
    }
}
