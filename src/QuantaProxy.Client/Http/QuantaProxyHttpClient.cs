using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantaProxy.Client.Http;

/// <summary>
/// Thin typed access to the gateway's HTTP API (snake_case JSON, problem+json errors raised as
/// <see cref="QuantaProxyApiException"/>). Envelope answers are returned as raw bytes for the envelope verifier.
/// </summary>
public sealed class QuantaProxyHttpClient : IDisposable
{
    public const string ApiKeyHeader = "X-API-Key";
    public const string RequestIdHeader = "X-Request-Id";
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly HttpClient _http;
    private readonly bool _ownsClient;

    public QuantaProxyHttpClient(Uri gateway, string apiKey, HttpClient? http = null) : this(gateway, new ApiKeyCredential(apiKey), http)
    {
    }

    /// <summary>A client that calls as <paramref name="credential"/>: an API key, or an agent's bearer or DPoP token.</summary>
    public QuantaProxyHttpClient(Uri gateway, CallerCredential credential, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(credential);
        _ownsClient = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
        Gateway = gateway;
        Credential = credential;
    }

    public Uri Gateway { get; }

    internal CallerCredential Credential { get; }

    /// <summary>Sends a JSON request and returns the parsed JSON answer.</summary>
    public async Task<JsonNode> SendJsonAsync(HttpMethod method, string path, object? body = null, CancellationToken ct = default)
    {
        var (bytes, _) = await SendAsync(method, path, body, null, null, ct);
        return JsonNode.Parse(bytes) ?? throw new InvalidOperationException("The gateway answered with an empty body.");
    }

    /// <summary>Sends a request and returns the raw answer bytes and the request id the gateway echoed.</summary>
    public async Task<(byte[] Body, string RequestId)> SendAsync(HttpMethod method, string path, object? body, string? requestId, IReadOnlyDictionary<string, string>? headers, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(Gateway, path));
        await Credential.ApplyAsync(request, ct);
        if (requestId is not null) request.Headers.Add(RequestIdHeader, requestId);
        if (headers is not null)
            foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        using var response = await _http.SendAsync(request, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var echoed = response.Headers.TryGetValues(RequestIdHeader, out var ids) ? ids.FirstOrDefault() ?? "" : "";
        if (!response.IsSuccessStatusCode) throw ToException(response, bytes, echoed);
        return (bytes, echoed);
    }

    private static QuantaProxyApiException ToException(HttpResponseMessage response, byte[] body, string requestId)
    {
        string code = "http_" + (int)response.StatusCode, detail = response.ReasonPhrase ?? "", field = "";
        try
        {
            if (JsonNode.Parse(body) is JsonObject problem)
            {
                code = problem["code"]?.GetValue<string>() ?? code;
                detail = problem["detail"]?.GetValue<string>() ?? detail;
                field = problem["field"]?.GetValue<string>() ?? "";
            }
        }
        catch (JsonException)
        {
        }
        TimeSpan? retryAfter = response.Headers.RetryAfter?.Delta;
        return new QuantaProxyApiException((int)response.StatusCode, code, detail, field.Length == 0 ? null : field, requestId, retryAfter);
    }

    public void Dispose()
    {
        if (_ownsClient) _http.Dispose();
    }
}
