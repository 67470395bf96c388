using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.OktaSandbox;

/// <summary>
/// An agent (service app) talking to a custom authorization server over HTTP, as a real agent would: a private_key_jwt client
/// assertion per request, an optional DPoP key of its own (P-256, with the <c>use_dpop_nonce</c> round), and DPoP proofs for
/// calls it then makes with the token. For tests of resource servers (the gateway) that need real tokens of each shape.
/// </summary>
public sealed class SandboxAgentClient : IDisposable
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly HttpClient _http;
    private readonly SigningCredentials _assertionSigner;
    private readonly ECDsa _dpopKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly Dictionary<string, object> _dpopJwk;
    private string? _nonce;

    /// <param name="issuer">The custom server's issuer (<see cref="CustomAuthorizationServer.Issuer"/>).</param>
    /// <param name="assertionSigner">The agent's private key, with the kid registered for it.</param>
    public SandboxAgentClient(Uri issuer, string clientId, SigningCredentials assertionSigner, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentNullException.ThrowIfNull(assertionSigner);
        Issuer = issuer;
        ClientId = clientId;
        _assertionSigner = assertionSigner;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        var p = _dpopKey.ExportParameters(false);
        _dpopJwk = new Dictionary<string, object> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url.EncodeToString(p.Q.X), ["y"] = Base64Url.EncodeToString(p.Q.Y) };
        DpopJkt = Base64Url.EncodeToString(new JsonWebKey(System.Text.Json.JsonSerializer.Serialize(_dpopJwk)).ComputeJwkThumbprint());
    }

    /// <summary>An agent whose key pair came from <see cref="ServiceAppKeyPair"/> (register its <see cref="ServiceAppKeyPair.PublicJsonWebKey"/>).</summary>
    public static SandboxAgentClient FromKeyPair(Uri issuer, string clientId, ServiceAppKeyPair keyPair, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        var privateJwk = new JsonWebKey(keyPair.CredentialSecret(clientId)["private_key_jwk"]!.ToJsonString());
        return new SandboxAgentClient(issuer, clientId, new SigningCredentials(privateJwk, SecurityAlgorithms.RsaSha256), handler);
    }

    public Uri Issuer { get; }
    public string ClientId { get; }
    public Uri TokenEndpoint => new(Issuer.AbsoluteUri.TrimEnd('/') + "/v1/token");

    /// <summary>The RFC 7638 thumbprint of this agent's DPoP key: the <c>cnf.jkt</c> of its DPoP-bound tokens.</summary>
    public string DpopJkt { get; }

    /// <summary>
    /// <c>client_credentials</c>: the agent alone (shape c), or, with <paramref name="act"/> in the client assertion (e.g.
    /// <c>{"sub": "00u…"}</c>), the agent acting for that person (AGBAC, shape a).
    /// </summary>
    public Task<SandboxTokenResponse> ClientCredentialsAsync(string scope, JsonObject? act = null, bool dpop = false, CancellationToken ct = default) =>
        RequestAsync([new("grant_type", "client_credentials"), new("scope", scope)], act, dpop, ct);

    /// <summary>Token exchange (RFC 8693) of a person's ID token: the person, with this agent as <c>act</c> (shape b).</summary>
    public Task<SandboxTokenResponse> ExchangeIdTokenAsync(string idToken, string scope, bool dpop = false, CancellationToken ct = default) =>
        RequestAsync([
            new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), new("scope", scope),
            new("subject_token", idToken), new("subject_token_type", "urn:ietf:params:oauth:token-type:id_token"),
        ], act: null, dpop, ct);

    /// <summary>A fresh DPoP proof for a call with a DPoP-bound token (<c>ath</c> when <paramref name="accessToken"/> is given).</summary>
    public string DpopProof(HttpMethod method, Uri url, string? accessToken = null, string? nonce = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(url);
        var claims = new Dictionary<string, object>
        {
            ["htm"] = method.Method, ["htu"] = url.GetLeftPart(UriPartial.Path), ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["jti"] = Guid.NewGuid().ToString(),
        };
        if (nonce is not null) claims["nonce"] = nonce;
        if (accessToken is not null) claims["ath"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = "dpop+jwt",
            AdditionalHeaderClaims = new Dictionary<string, object> { ["jwk"] = _dpopJwk },
            Claims = claims,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_dpopKey), SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>A client assertion for this server's token endpoint (RFC 7523), with <c>act</c> when given.</summary>
    public string ClientAssertion(JsonObject? act = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new JsonObject
        {
            ["iss"] = ClientId, ["sub"] = ClientId, ["aud"] = TokenEndpoint.AbsoluteUri,
            ["iat"] = now, ["exp"] = now + 300, ["jti"] = Guid.NewGuid().ToString(),
        };
        if (act is not null) payload["act"] = act.DeepClone();
        return Handler.CreateToken(payload.ToJsonString(), _assertionSigner);
    }

    private async Task<SandboxTokenResponse> RequestAsync(List<KeyValuePair<string, string>> grant, JsonObject? act, bool dpop, CancellationToken ct)
    {
        var answer = await SendAsync(grant, act, dpop, ct);
        // One nonce round: the server hands out the nonce to use (RFC 9449 §8).
        if (answer.Response.Error == "use_dpop_nonce" && dpop && answer.Nonce is not null)
        {
            _nonce = answer.Nonce;
            answer = await SendAsync(grant, act, dpop, ct);
        }
        return answer.Response;
    }

    private async Task<(SandboxTokenResponse Response, string? Nonce)> SendAsync(List<KeyValuePair<string, string>> grant, JsonObject? act, bool dpop, CancellationToken ct)
    {
        var form = new List<KeyValuePair<string, string>>(grant)
        {
            new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), new("client_assertion", ClientAssertion(act)),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        if (dpop) request.Headers.Add("DPoP", DpopProof(HttpMethod.Post, TokenEndpoint, nonce: _nonce));
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonObject? body = null;
        try
        {
            body = JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON (a 404 page, a proxy's answer): the status says what happened.
        }
        var nonce = response.Headers.TryGetValues("DPoP-Nonce", out var values) ? values.FirstOrDefault() : null;
        return (SandboxTokenResponse.From((int)response.StatusCode, body), nonce);
    }

    public void Dispose()
    {
        _http.Dispose();
        _dpopKey.Dispose();
    }
}
