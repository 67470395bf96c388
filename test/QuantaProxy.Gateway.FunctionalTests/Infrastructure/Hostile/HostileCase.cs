namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure.Hostile;

/// <summary>
/// One malformed request of the sweep. <see cref="KestrelMayRefuse"/> marks requests that break a limit Kestrel enforces
/// while parsing, before any middleware runs (header size and count, request-line length, bytes not allowed in a
/// path or header): Kestrel answers those with a bare status and no body, which is the one allowed exception to
/// "every refusal is problem+json".
/// </summary>
public sealed record HostileCase(string Family, string What, HttpMethod Method, string PathAndQuery, string? ApiKey)
{
    public byte[]? Body { get; init; }

    /// <summary>The Content-Type header exactly as sent, or none when null.</summary>
    public string? ContentType { get; init; } = "application/json";

    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    public bool KestrelMayRefuse { get; init; }

    public override string ToString() => $"[{Family}] {What} → {Method} {(PathAndQuery.Length > 120 ? PathAndQuery[..120] + "…" : PathAndQuery)}";

    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(Method, PathAndQuery);
        if (ApiKey is not null) request.Headers.TryAddWithoutValidation("X-API-Key", ApiKey);
        foreach (var (name, value) in Headers) request.Headers.TryAddWithoutValidation(name, value);
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            if (ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            // With 100-continue the body is sent only once the gateway starts reading it, so a refusal before reading
            // (401, 404, 413, 415) reaches the client instead of racing a half-sent upload.
            request.Headers.ExpectContinue = true;
        }
        return request;
    }
}
