using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace QuantaProxy.Client.Http;

/// <summary>How the client proves who is calling: a QuantaProxy API key, or an agent's OAuth access token (bearer or DPoP).</summary>
public abstract class CallerCredential
{
    internal abstract ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken ct);
}

/// <summary>A QuantaProxy API key, sent as <c>X-API-Key</c>.</summary>
public sealed class ApiKeyCredential : CallerCredential
{
    private readonly string _apiKey;

    public ApiKeyCredential(string apiKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        _apiKey = apiKey;
    }

    internal override ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Headers.Add(QuantaProxyHttpClient.ApiKeyHeader, _apiKey);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// An agent's access token from an authorization server the tenant trusts, fetched from <paramref name="tokenSource"/> for
/// each request (the source caches and renews it). With <paramref name="dpop"/>, the token is DPoP-bound: each request gets
/// a fresh proof for its method and URL, carrying the token's hash (RFC 9449); without, it is sent as a bearer token.
/// </summary>
public sealed class AgentTokenCredential(Func<CancellationToken, ValueTask<string>> tokenSource, Func<HttpMethod, Uri, string, string>? dpop = null) : CallerCredential
{
    internal override async ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var token = await tokenSource(ct);
        if (dpop is null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return;
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", token);
        request.Headers.Add("DPoP", dpop(request.Method, request.RequestUri!, token));
    }

    /// <summary>The <c>ath</c> claim of a DPoP proof: base64url SHA-256 of the access token.</summary>
    public static string AccessTokenHash(string accessToken) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
