using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox;

/// <summary>Reads a JSON request body of bounded size, whatever Content-Length claims.</summary>
internal static class BoundedBody
{
    /// <summary>The body as a JSON object; null with a problem when it is too large, not JSON, or not an object.</summary>
    public static async Task<(JsonObject? Body, IResult? Problem)> ReadObjectAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) return (null, TooLarge());
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes) return (null, TooLarge());
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 16 }) is JsonObject body
                ? (body, null)
                : (null, Malformed());
        }
        catch (JsonException)
        {
            return (null, Malformed());
        }
    }

    private static IResult TooLarge() => OktaErrors.Error(400, "E0000003", "The request body was too large.");

    private static IResult Malformed() => OktaErrors.Error(400, "E0000003", "The request body was not well-formed.");
}
