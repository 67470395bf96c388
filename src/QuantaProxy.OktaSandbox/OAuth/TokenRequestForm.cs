using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>The parameters of a token request, read from a bounded <c>application/x-www-form-urlencoded</c> body.</summary>
internal sealed class TokenRequestForm
{
    /// <summary>Largest body read; a client_credentials request with an assertion is a few KiB.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private readonly Dictionary<string, StringValues> _fields;

    private TokenRequestForm(Dictionary<string, StringValues> fields) => _fields = fields;

    /// <summary>A parameter's value, or null when absent or empty (RFC 6749 §3.1: an empty parameter is treated as omitted).</summary>
    public string? this[string name] => _fields.TryGetValue(name, out var values) && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    /// <summary>The form, or an <c>invalid_request</c> description of why there is none.</summary>
    public static async Task<(TokenRequestForm? Form, string? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return (null, "The request body must be application/x-www-form-urlencoded.");
        if (request.ContentLength > MaxBodyBytes) return (null, "The request body is too large.");
        var body = await ReadBoundedAsync(request.Body, ct);
        if (body is null) return (null, "The request body is too large.");
        Dictionary<string, StringValues> fields;
        try
        {
            using var reader = new FormReader(Encoding.UTF8.GetString(body)) { ValueCountLimit = 64, KeyLengthLimit = 256, ValueLengthLimit = MaxBodyBytes };
            fields = reader.ReadForm();
        }
        catch (InvalidDataException)
        {
            return (null, "The request body is not a valid form.");
        }
        // RFC 6749 §3.2: request parameters must not be included more than once.
        if (fields.FirstOrDefault(f => f.Value.Count > 1) is { Key: { } repeated }) return (null, $"The '{Printable(repeated)}' parameter was sent more than once.");
        return (new TokenRequestForm(fields), null);
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>A parameter name fit to echo back: short and plain.</summary>
    private static string Printable(string name) => new(name.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '?').ToArray());
}
