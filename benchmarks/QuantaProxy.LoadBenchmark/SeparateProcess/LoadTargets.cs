using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>One thing the closed loop can call.</summary>
internal sealed record LoadTarget(string Key, string Label, Func<CancellationToken, Task<string?>> Call);

/// <summary>
/// The three calls the benchmark compares, all <c>list_users</c> with <c>limit=20</c>: (a) the sandbox with SSWS,
/// (b) the same request through the gateway's plain YARP route, (c) the full proxy with envelope and audit. Every
/// answer is read to its end; only its status is checked (the client must not steal the cores the servers use).
/// </summary>
internal sealed class LoadTargets(HttpClient http, Uri sandbox, Uri gateway, string oktaToken, string apiKey, string integrationId, string serviceAppIntegrationId)
{
    public const string PassthroughPrefix = "/__benchmark/okta";
    private const string UsersQuery = "/api/v1/users?limit=20";

    private readonly byte[] _proxyBody = ProxyBody(integrationId);
    private readonly byte[] _serviceAppBody = ProxyBody(serviceAppIntegrationId);

    private static byte[] ProxyBody(string integration) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["integration_id"] = integration,
        ["operation"] = "list_users",
        ["payload"] = new Dictionary<string, int> { ["limit"] = 20 },
    });

    public LoadTarget SandboxDirect => new("a", "(a) sandbox direct", ct => GetUsersAsync(new Uri(sandbox, UsersQuery), ct));

    public LoadTarget Passthrough => new("b", "(b) gateway, plain YARP route", ct => GetUsersAsync(new Uri(gateway, PassthroughPrefix + UsersQuery), ct));

    public LoadTarget FullProxy => new("c", "(c) full proxy (envelope + audit)", ct => ProxyAsync(_proxyBody, ct));

    /// <summary>(c′): the same call through an integration whose credential is an Okta service app (private_key_jwt + DPoP).</summary>
    public LoadTarget ServiceAppProxy => new("c2", "(c′) full proxy, service app (DPoP)", ct => ProxyAsync(_serviceAppBody, ct));

    /// <summary>One full-proxy call with a request id, returning the envelope (for the check before and after the load).</summary>
    public async Task<byte[]> ProxyOnceAsync(string requestId, CancellationToken ct)
    {
        using var request = ProxyRequest(_proxyBody);
        request.Headers.Add("X-Request-Id", requestId);
        using var response = await http.SendAsync(request, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"the proxy answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        return bytes;
    }

    private async Task<string?> GetUsersAsync(Uri url, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("SSWS", oktaToken);
        return await SendAsync(request, ct);
    }

    private async Task<string?> ProxyAsync(byte[] body, CancellationToken ct)
    {
        using var request = ProxyRequest(body);
        return await SendAsync(request, ct);
    }

    private HttpRequestMessage ProxyRequest(byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/api/v2/proxy/outbound")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-API-Key", apiKey);
        return request;
    }

    private async Task<string?> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await body.CopyToAsync(Stream.Null, ct);
        return response.IsSuccessStatusCode ? null : "status " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
    }
}
