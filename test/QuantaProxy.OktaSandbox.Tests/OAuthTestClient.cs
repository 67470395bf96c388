using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.OktaSandbox.Tests;

/// <summary>A key pair the tests sign with, and its public JWK as Okta would store it or a DPoP header would carry it.</summary>
internal sealed class TestKey : IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    private TestKey(AsymmetricAlgorithm key, SecurityKey signingKey, string algorithm, Dictionary<string, object> publicJwk)
    {
        _key = key;
        SigningKey = signingKey;
        Algorithm = algorithm;
        PublicJwkMembers = publicJwk;
    }

    public SecurityKey SigningKey { get; }
    public string Algorithm { get; }

    /// <summary>The public members only (kty, crv/x/y or n/e), as in a DPoP proof's <c>jwk</c> header.</summary>
    public Dictionary<string, object> PublicJwkMembers { get; }

    public static TestKey EcP256(string? kid = null)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(false);
        return new TestKey(ec, new ECDsaSecurityKey(ec) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256, new Dictionary<string, object>
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
        });
    }

    public static TestKey Rsa2048(string? kid = null)
    {
        var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        return new TestKey(rsa, new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256, new Dictionary<string, object>
        {
            ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        });
    }

    /// <summary>Signing credentials for this key with the given kid in the JWS header (none when null).</summary>
    public SigningCredentials Credentials(string? kid) => _key switch
    {
        ECDsa ec => new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = kid }, Algorithm),
        RSA rsa => new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, Algorithm),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The public key as the app registers it, with its kid.</summary>
    public JsonWebKey PublicJwk(string? kid = null)
    {
        var jwk = new JsonWebKey(System.Text.Json.JsonSerializer.Serialize(PublicJwkMembers)) { Kid = kid ?? SigningKey.KeyId };
        return jwk;
    }

    /// <summary>The public members plus the private ones: what must never be sent in a DPoP header.</summary>
    public Dictionary<string, object> PrivateJwkMembers()
    {
        var members = new Dictionary<string, object>(PublicJwkMembers);
        members["d"] = _key is ECDsa ec ? Base64UrlEncoder.Encode(ec.ExportParameters(true).D) : Base64UrlEncoder.Encode(((RSA)_key).ExportParameters(true).D);
        return members;
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>
/// A service app client for the sandbox's org authorization server, written from RFC 7523 / RFC 9449 independently of the
/// sandbox: client assertions, DPoP proofs, the nonce round, and resource calls.
/// </summary>
internal sealed class OAuthTestClient : IDisposable
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public OAuthTestClient(Uri baseAddress, string clientId, TestKey assertionKey, TestKey? dpopKey = null)
    {
        Http = new HttpClient { BaseAddress = baseAddress };
        ClientId = clientId;
        AssertionKey = assertionKey;
        DpopKey = dpopKey ?? TestKey.EcP256();
    }

    public HttpClient Http { get; }
    public string ClientId { get; }
    public TestKey AssertionKey { get; }
    public TestKey DpopKey { get; }

    /// <summary>The last DPoP-Nonce the token endpoint handed out.</summary>
    public string? Nonce { get; set; }

    public string TokenEndpoint => new Uri(Http.BaseAddress!, "/oauth2/v1/token").ToString();
    public string Url(string path) => new Uri(Http.BaseAddress!, path).GetLeftPart(UriPartial.Path);

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>A valid client assertion, changed by <paramref name="edit"/>, signed by <paramref name="signer"/> (default: the app's key).</summary>
    public string Assertion(Action<Dictionary<string, object>>? edit = null, SigningCredentials? signer = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["iss"] = ClientId, ["sub"] = ClientId, ["aud"] = TokenEndpoint,
            ["iat"] = Now, ["exp"] = Now + 300, ["jti"] = Guid.NewGuid().ToString(),
        };
        edit?.Invoke(claims);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = signer ?? new SigningCredentials(AssertionKey.SigningKey, AssertionKey.Algorithm),
        });
    }

    /// <summary>A valid DPoP proof for <paramref name="method"/> <paramref name="url"/>, changed by the edits.</summary>
    public string Proof(string method, string url, string? nonce = null, string? accessToken = null, Action<Dictionary<string, object>>? editClaims = null,
        Action<Dictionary<string, object>>? editHeader = null, TestKey? key = null, string typ = "dpop+jwt", TestKey? signWith = null)
    {
        key ??= DpopKey;
        var claims = new Dictionary<string, object> { ["htm"] = method, ["htu"] = url, ["iat"] = Now, ["jti"] = Guid.NewGuid().ToString() };
        if (nonce is not null) claims["nonce"] = nonce;
        if (accessToken is not null) claims["ath"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        editClaims?.Invoke(claims);
        var header = new Dictionary<string, object> { ["jwk"] = key.PublicJwkMembers };
        editHeader?.Invoke(header);
        var signer = signWith ?? key;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = typ,
            AdditionalHeaderClaims = header,
            Claims = claims,
            SigningCredentials = new SigningCredentials(signer.SigningKey, signer.Algorithm),
        });
    }

    /// <summary>A token request with the given form fields; <paramref name="proof"/> goes in the DPoP header when given.</summary>
    public async Task<Answer> PostTokenAsync(IEnumerable<KeyValuePair<string, string>> form, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/v1/token") { Content = new FormUrlEncodedContent(form) };
        if (proof is not null) request.Headers.Add("DPoP", proof);
        return await Answer.ReadAsync(await Http.SendAsync(request));
    }

    public List<KeyValuePair<string, string>> Form(string scope = "okta.users.read", string? assertion = null) =>
    [
        new("grant_type", "client_credentials"), new("scope", scope),
        new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), new("client_assertion", assertion ?? Assertion()),
    ];

    /// <summary>Gets a nonce the way a client learns it: a request without one, answered <c>use_dpop_nonce</c>.</summary>
    public async Task<string> LearnNonceAsync()
    {
        var answer = await PostTokenAsync(Form(), Proof("POST", TokenEndpoint));
        Assert.That(answer.Error, Is.EqualTo("use_dpop_nonce"), answer.Text);
        Nonce = answer.Response.Headers.GetValues("DPoP-Nonce").Single();
        return Nonce;
    }

    /// <summary>A DPoP-bound access token for the scopes, through the nonce round when no nonce is known yet.</summary>
    public async Task<string> GetDpopTokenAsync(string scope = "okta.users.read")
    {
        if (Nonce is null) await LearnNonceAsync();
        var answer = await PostTokenAsync(Form(scope), Proof("POST", TokenEndpoint, Nonce));
        Assert.That(answer.Status, Is.EqualTo(200), answer.Text);
        Assert.That(answer.Body!["token_type"]!.GetValue<string>(), Is.EqualTo("DPoP"));
        return answer.Body["access_token"]!.GetValue<string>();
    }

    /// <summary>A Management request with <c>Authorization: {scheme} {token}</c> and, when given, a DPoP header.</summary>
    public async Task<Answer> CallAsync(HttpMethod method, string pathAndQuery, string scheme, string token, string? proof, string? json = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        if (proof is not null) request.Headers.Add("DPoP", proof);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await Answer.ReadAsync(await Http.SendAsync(request));
    }

    /// <summary>A DPoP call with a fresh, correct proof for it.</summary>
    public Task<Answer> CallWithDpopAsync(HttpMethod method, string pathAndQuery, string token, string? json = null) =>
        CallAsync(method, pathAndQuery, "DPoP", token, Proof(method.Method, Url(pathAndQuery), accessToken: token), json);

    public void Dispose()
    {
        Http.Dispose();
        DpopKey.Dispose();
    }
}

/// <summary>A response read in full.</summary>
internal sealed record Answer(HttpResponseMessage Response, string Text, JsonNode? Body)
{
    public int Status => (int)Response.StatusCode;
    public string? Error => Body is JsonObject o && o["error"] is JsonValue v ? v.GetValue<string>() : null;
    public string? Description => Body is JsonObject o && o["error_description"] is JsonValue v ? v.GetValue<string>() : null;
    /// <summary>The WWW-Authenticate header exactly as sent.</summary>
    public string? Challenge => Response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values) ? string.Join("\n", values) : null;

    public static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            JsonNode? body = null;
            if (text.Length > 0 && text[0] is '{' or '[') body = JsonNode.Parse(text);
            return new Answer(response, text, body);
        }
    }
}
