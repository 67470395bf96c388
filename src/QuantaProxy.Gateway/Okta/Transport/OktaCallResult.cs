using System.Text.Json;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>Okta's answer to one proxied call (any status), reduced to what the envelope plaintext carries.</summary>
public sealed class OktaCallResult
{
    public required int Status { get; init; }
    public bool Success => Status is >= 200 and <= 299;
    public string? OktaRequestId { get; init; }
    public RateLimitInfo? RateLimit { get; init; }
    public string? NextCursor { get; init; }
    public ReadOnlyMemory<byte> Body { get; init; }
    public string? Hint { get; init; }

    /// <summary>Okta's <c>Link</c> header values as received (a front door that answers in Okta's shape rewrites them).</summary>
    public IReadOnlyList<string> Links { get; init; } = [];

    /// <summary>The plaintext of FORMATS.md §1: Okta's JSON body embedded as is (or as a string when it is not JSON).</summary>
    public byte[] ToPlaintextJson(string operation)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(Body.Length + 512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("status", Status);
            writer.WriteString("operation", operation);
            if (OktaRequestId is not null) writer.WriteString("okta_request_id", OktaRequestId);
            if (RateLimit is not null)
            {
                writer.WriteStartObject("rate_limit");
                writer.WriteNumber("limit", RateLimit.Limit);
                writer.WriteNumber("remaining", RateLimit.Remaining);
                writer.WriteNumber("reset", RateLimit.Reset);
                writer.WriteEndObject();
            }
            if (NextCursor is not null) writer.WriteString("next_cursor", NextCursor);
            writer.WritePropertyName("body");
            if (Body.IsEmpty) writer.WriteNullValue();
            else if (IsJson(Body.Span)) writer.WriteRawValue(Body.Span, skipInputValidation: true);
            else writer.WriteStringValue(System.Text.Encoding.UTF8.GetString(Body.Span));
            if (Hint is not null) writer.WriteString("hint", Hint);
            writer.WriteEndObject();
        }
        var plaintext = buffer.WrittenSpan.ToArray();
        buffer.Clear(); // the working copy holds the same Okta data as the plaintext the caller will zero
        return plaintext;
    }

    private static bool IsJson(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
