using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.OktaSandbox.Tests;

/// <summary>
/// The org authorization server over real loopback HTTP: private_key_jwt client assertions (RFC 7523), DPoP (RFC 9449) with the
/// nonce round, DPoP-bound resource calls, per-operation scopes, expiry, revocation and token-endpoint faults.
/// </summary>
public sealed class OAuthServerTests
{
    private const string DpopAppId = "0oadpopapp0000000001";
    private const string BearerAppId = "0oabearerapp00000001";
    private const string Ssws = "00sandbox-oauth-ssws";
    private const string InvalidToken = "The access token is invalid.";
    private static readonly Lazy<OktaSchema> Schema = new(OktaSchema.Load);

    private TestKey _ecKey = null!;
    private TestKey _rsaKey = null!;
    private TestKey _bearerKey = null!;
    private OktaSandboxServer _server = null!;
    private OAuthTestClient _client = null!;
    private OAuthTestClient _bearer = null!;

    private string Origin => _server.BaseAddress.GetLeftPart(UriPartial.Authority);

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _ecKey = TestKey.EcP256("ec-1");
        _rsaKey = TestKey.Rsa2048("rsa-1");
        _bearerKey = TestKey.EcP256("bearer-1");
        var dpopApp = new SandboxServiceApp { ClientId = DpopAppId, Keys = { _ecKey.PublicJwk(), _rsaKey.PublicJwk() } };
        var bearerApp = new SandboxServiceApp { ClientId = BearerAppId, RequireDpop = false, Keys = { _bearerKey.PublicJwk() } };
        _server = await OktaSandboxServer.StartAsync(new SandboxOptions
        {
            ApiTokens = { Ssws }, SeedUsers = 20, SeedGroups = 3, SeedApps = 2, SeedLogEvents = 20, ServiceApps = { dpopApp, bearerApp },
        });
        _client = new OAuthTestClient(_server.BaseAddress, DpopAppId, _ecKey);
        _bearer = new OAuthTestClient(_server.BaseAddress, BearerAppId, _bearerKey);
        await _client.LearnNonceAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        _bearer.Dispose();
        await _server.DisposeAsync();
        _ecKey.Dispose();
        _rsaKey.Dispose();
        _bearerKey.Dispose();
    }

    [Test]
    public async Task A_service_app_gets_a_DPoP_token_after_the_nonce_round_and_calls_the_API_with_a_fresh_proof()
    {
        using var client = new OAuthTestClient(_server.BaseAddress, DpopAppId, _ecKey);
        var requests = _server.Stats.TokenRequests;
        var issued = _server.Stats.TokensIssued;

        var first = await client.PostTokenAsync(client.Form("okta.users.read okta.groups.read"), client.Proof("POST", client.TokenEndpoint));
        Assert.That(first.Status, Is.EqualTo(400));
        Assert.That(first.Text, Is.EqualTo("{\"error\":\"use_dpop_nonce\",\"error_description\":\"Authorization server requires nonce in DPoP proof.\"}"));
        Assert.That(first.Response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        Assert.That(first.Response.Headers.CacheControl!.NoStore, Is.True);
        var nonce = first.Response.Headers.GetValues("DPoP-Nonce").Single();
        Assert.That(nonce, Has.Length.GreaterThanOrEqualTo(16));

        var second = await client.PostTokenAsync(client.Form("okta.users.read okta.groups.read"), client.Proof("POST", client.TokenEndpoint, nonce));
        Assert.That(second.Status, Is.EqualTo(200), second.Text);
        Assert.That(second.Response.Headers.CacheControl!.NoStore, Is.True);
        var body = second.Body!.AsObject();
        Assert.That(body.Select(p => p.Key), Is.EquivalentTo(new[] { "token_type", "expires_in", "access_token", "scope" }));
        Assert.That(body["token_type"]!.GetValue<string>(), Is.EqualTo("DPoP"));
        Assert.That(body["expires_in"]!.GetValue<long>(), Is.EqualTo(3600));
        Assert.That(body["scope"]!.GetValue<string>(), Is.EqualTo("okta.users.read okta.groups.read"));
        var token = body["access_token"]!.GetValue<string>();
        Assert.That(token, Has.Length.GreaterThanOrEqualTo(32));
        Assert.That(_server.Stats.TokenRequests - requests, Is.EqualTo(2), "the nonce round is a token request too");
        Assert.That(_server.Stats.TokensIssued - issued, Is.EqualTo(1));

        var users = await client.CallWithDpopAsync(HttpMethod.Get, "/api/v1/users?limit=2", token);
        Assert.That(users.Status, Is.EqualTo(200), users.Challenge);
        Assert.That(users.Body!.AsArray(), Has.Count.EqualTo(2));
        var groups = await client.CallWithDpopAsync(HttpMethod.Get, "/api/v1/groups", token);
        Assert.That(groups.Status, Is.EqualTo(200), groups.Challenge);
    }

    [Test]
    public async Task RS256_assertions_and_RS256_DPoP_proofs_are_accepted_too()
    {
        using var rsaProofKey = TestKey.Rsa2048();
        using var client = new OAuthTestClient(_server.BaseAddress, DpopAppId, _rsaKey, rsaProofKey);
        var token = await client.GetDpopTokenAsync();
        var users = await client.CallWithDpopAsync(HttpMethod.Get, "/api/v1/users?limit=1", token);
        Assert.That(users.Status, Is.EqualTo(200), users.Challenge);
    }

    [TestCase("kid not registered", "The client_assertion JWT kid is invalid.")]
    [TestCase("no kid", "The client_assertion JWT kid is invalid.")]
    [TestCase("signed by another key", "The client_assertion signature is invalid.")]
    [TestCase("RSA signature under the EC key's kid", "The client_assertion signature is invalid.")]
    [TestCase("HS256", "The client_assertion JWT alg is invalid.")]
    [TestCase("unsigned", "The client_assertion JWT alg is invalid.")]
    [TestCase("not a JWT", "The client_assertion token is malformed.")]
    [TestCase("audience is the org", "The audience claim for client_assertion must be the endpoint invoked for the request.")]
    [TestCase("audience is a custom authorization server", "The audience claim for client_assertion must be the endpoint invoked for the request.")]
    [TestCase("iss differs from sub", "The 'iss' and 'sub' claims of the client_assertion token must both be the client_id.")]
    [TestCase("no sub", "The client_assertion token must contain 'iss' and 'sub' claims.")]
    [TestCase("unknown client", "Invalid value for the `client_id` parameter")]
    [TestCase("client_id parameter of another app", "Invalid value for the `client_id` parameter")]
    [TestCase("expires in two hours", "The client_assertion token has an expiration too far into the future.")]
    [TestCase("expires in two hours, no iat", "The client_assertion token has an expiration too far into the future.")]
    [TestCase("lives 70 minutes", "The client_assertion token has an expiration too far into the future.")]
    [TestCase("expired", "The client_assertion token is expired.")]
    [TestCase("no exp", "The client_assertion token must contain an 'exp' claim.")]
    [TestCase("not yet valid", "The client_assertion token is not yet valid.")]
    [TestCase("no jti", "The client_assertion token must contain a 'jti' claim.")]
    public async Task A_bad_client_assertion_is_401_invalid_client(string fault, string description)
    {
        using var otherKey = TestKey.EcP256("ec-1");
        string Edited(Action<Dictionary<string, object>> edit) => _client.Assertion(edit);
        var assertion = fault switch
        {
            "kid not registered" => _client.Assertion(signer: _ecKey.Credentials("ec-9")),
            "no kid" => _client.Assertion(signer: _ecKey.Credentials(null)),
            "signed by another key" => _client.Assertion(signer: otherKey.Credentials("ec-1")),
            "RSA signature under the EC key's kid" => _client.Assertion(signer: _rsaKey.Credentials("ec-1")),
            "HS256" => _client.Assertion(signer: new SigningCredentials(new SymmetricSecurityKey(new byte[32]) { KeyId = "ec-1" }, SecurityAlgorithms.HmacSha256)),
            "unsigned" => Unsigned(_client.Assertion()),
            "not a JWT" => "not-a-jwt",
            "audience is the org" => Edited(c => c["aud"] = Origin),
            "audience is a custom authorization server" => Edited(c => c["aud"] = Origin + "/oauth2/default/v1/token"),
            "iss differs from sub" => Edited(c => c["iss"] = BearerAppId),
            "no sub" => Edited(c => c.Remove("sub")),
            "unknown client" => Edited(c => c["iss"] = c["sub"] = "0oanobody00000000001"),
            "client_id parameter of another app" => _client.Assertion(),
            "expires in two hours" => Edited(c => c["exp"] = OAuthTestClient.Now + 7200),
            "expires in two hours, no iat" => Edited(c => { c.Remove("iat"); c["exp"] = OAuthTestClient.Now + 7200; }),
            "lives 70 minutes" => Edited(c => (c["iat"], c["exp"]) = (OAuthTestClient.Now - 1800, OAuthTestClient.Now + 2400)),
            "expired" => Edited(c => (c["iat"], c["exp"]) = (OAuthTestClient.Now - 900, OAuthTestClient.Now - 600)),
            "no exp" => Edited(c => c.Remove("exp")),
            "not yet valid" => Edited(c => c["nbf"] = OAuthTestClient.Now + 600),
            "no jti" => Edited(c => c.Remove("jti")),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        var form = _client.Form(assertion: assertion);
        if (fault == "client_id parameter of another app") form.Add(new("client_id", BearerAppId));

        var answer = await _client.PostTokenAsync(form, _client.Proof("POST", _client.TokenEndpoint, _client.Nonce));
        Assert.That(answer.Status, Is.EqualTo(401), answer.Text);
        Assert.That(answer.Error, Is.EqualTo("invalid_client"));
        Assert.That(answer.Description, Is.EqualTo(description));
        Assert.That(answer.Response.Headers.CacheControl!.NoStore, Is.True);
    }

    [TestCase("assertion type of a SAML bearer", 400, "invalid_request", "The `client_assertion_type` is invalid.")]
    [TestCase("no assertion type", 400, "invalid_request", "The `client_assertion_type` is invalid.")]
    [TestCase("no scope", 400, "invalid_scope", "No scopes were requested.")]
    [TestCase("scope not granted", 400, "invalid_scope", "The following scopes are not allowed: [okta.roles.manage]")]
    [TestCase("password grant", 400, "unsupported_grant_type", "The grant type in the request isn't supported.")]
    [TestCase("no grant type", 400, "invalid_request", "The 'grant_type' parameter is required.")]
    [TestCase("no client credentials", 401, "invalid_client", "No client credentials found")]
    [TestCase("assertion and client secret", 400, "invalid_request", "Can't supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a `client_assertion` in the post body.")]
    [TestCase("scope sent twice", 400, "invalid_request", "The 'scope' parameter was sent more than once.")]
    [TestCase("JSON body", 400, "invalid_request", "The request body must be application/x-www-form-urlencoded.")]
    [TestCase("body over 64 KiB", 400, "invalid_request", "The request body is too large.")]
    public async Task A_bad_token_request_is_refused_with_OAuth_errors(string fault, int status, string error, string description)
    {
        var form = _client.Form();
        void Set(string name, string? value)
        {
            form.RemoveAll(f => f.Key == name);
            if (value is not null) form.Add(new(name, value));
        }
        switch (fault)
        {
            case "assertion type of a SAML bearer": Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"); break;
            case "no assertion type": Set("client_assertion_type", null); break;
            case "no scope": Set("scope", null); break;
            case "scope not granted": Set("scope", "okta.users.read okta.roles.manage"); break;
            case "password grant": Set("grant_type", "password"); break;
            case "no grant type": Set("grant_type", null); break;
            case "no client credentials": Set("client_assertion", null); Set("client_assertion_type", null); break;
            case "assertion and client secret": Set("client_secret", "shh"); break;
            case "scope sent twice": form.Add(new("scope", "okta.groups.read")); break;
            case "body over 64 KiB": Set("padding", new string('a', 70 * 1024)); break;
        }
        var proof = _client.Proof("POST", _client.TokenEndpoint, _client.Nonce);
        var answer = fault == "JSON body"
            ? await PostJsonAsync(form, proof)
            : await _client.PostTokenAsync(form, proof);
        Assert.That(answer.Status, Is.EqualTo(status), answer.Text);
        Assert.That(answer.Error, Is.EqualTo(error));
        Assert.That(answer.Description, Is.EqualTo(description));
    }

    [Test]
    public async Task A_client_assertion_is_spent_by_its_first_use_even_when_that_was_the_nonce_round()
    {
        using var client = new OAuthTestClient(_server.BaseAddress, DpopAppId, _ecKey);
        var assertion = client.Assertion();
        var nonceRound = await client.PostTokenAsync(client.Form(assertion: assertion), client.Proof("POST", client.TokenEndpoint));
        Assert.That(nonceRound.Error, Is.EqualTo("use_dpop_nonce"));
        var nonce = nonceRound.Response.Headers.GetValues("DPoP-Nonce").Single();

        var replay = await client.PostTokenAsync(client.Form(assertion: assertion), client.Proof("POST", client.TokenEndpoint, nonce));
        Assert.That(replay.Status, Is.EqualTo(401));
        Assert.That(replay.Error, Is.EqualTo("invalid_client"));
        Assert.That(replay.Description, Is.EqualTo("The client_assertion token has already been used."));

        var fresh = await client.PostTokenAsync(client.Form(), client.Proof("POST", client.TokenEndpoint, nonce));
        Assert.That(fresh.Status, Is.EqualTo(200), fresh.Text);
    }

    [TestCase("no proof", "The DPoP proof JWT header is missing.")]
    [TestCase("not a JWT", "The DPoP proof JWT is malformed.")]
    [TestCase("typ JWT", "'typ' header in the DPoP proof JWT is invalid.")]
    [TestCase("private key in jwk", "'jwk' header in the DPoP proof JWT must not contain a private key.")]
    [TestCase("no jwk", "'jwk' header in the DPoP proof JWT is invalid.")]
    [TestCase("signed by a key other than jwk", "The DPoP proof JWT signature is invalid.")]
    [TestCase("htm GET", "'htm' claim in the DPoP proof JWT is invalid.")]
    [TestCase("htu of the authorize endpoint", "'htu' claim in the DPoP proof JWT is invalid.")]
    [TestCase("htu with a query", "'htu' claim in the DPoP proof JWT is invalid.")]
    [TestCase("iat ten minutes ago", "'iat' claim in the DPoP proof JWT is invalid.")]
    [TestCase("no jti", "'jti' claim in the DPoP proof JWT is invalid.")]
    public async Task A_bad_DPoP_proof_at_the_token_endpoint_is_400_invalid_dpop_proof(string fault, string description)
    {
        using var otherKey = TestKey.EcP256();
        var endpoint = _client.TokenEndpoint;
        var nonce = _client.Nonce;
        string? proof = fault switch
        {
            "no proof" => null,
            "not a JWT" => "not-a-jwt",
            "typ JWT" => _client.Proof("POST", endpoint, nonce, typ: "JWT"),
            "private key in jwk" => _client.Proof("POST", endpoint, nonce, editHeader: h => h["jwk"] = _client.DpopKey.PrivateJwkMembers()),
            "no jwk" => _client.Proof("POST", endpoint, nonce, editHeader: h => h.Remove("jwk")),
            "signed by a key other than jwk" => _client.Proof("POST", endpoint, nonce, signWith: otherKey),
            "htm GET" => _client.Proof("GET", endpoint, nonce),
            "htu of the authorize endpoint" => _client.Proof("POST", Origin + "/oauth2/v1/authorize", nonce),
            "htu with a query" => _client.Proof("POST", endpoint + "?grant_type=client_credentials", nonce),
            "iat ten minutes ago" => _client.Proof("POST", endpoint, nonce, editClaims: c => c["iat"] = OAuthTestClient.Now - 600),
            "no jti" => _client.Proof("POST", endpoint, nonce, editClaims: c => c.Remove("jti")),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        var answer = await _client.PostTokenAsync(_client.Form(), proof);
        Assert.That(answer.Status, Is.EqualTo(400), answer.Text);
        Assert.That(answer.Error, Is.EqualTo("invalid_dpop_proof"));
        Assert.That(answer.Description, Is.EqualTo(description));
    }

    [Test]
    public async Task A_DPoP_proof_is_accepted_once_at_the_token_endpoint()
    {
        var proof = _client.Proof("POST", _client.TokenEndpoint, _client.Nonce);
        var first = await _client.PostTokenAsync(_client.Form(), proof);
        Assert.That(first.Status, Is.EqualTo(200), first.Text);
        var replay = await _client.PostTokenAsync(_client.Form(), proof);
        Assert.That(replay.Status, Is.EqualTo(400));
        Assert.That(replay.Error, Is.EqualTo("invalid_dpop_proof"));
        Assert.That(replay.Description, Is.EqualTo("'jti' claim in the DPoP proof JWT was already used."));
    }

    [Test]
    public async Task A_nonce_the_server_never_gave_gets_use_dpop_nonce_with_a_real_one()
    {
        var answer = await _client.PostTokenAsync(_client.Form(), _client.Proof("POST", _client.TokenEndpoint, "made-up-nonce"));
        Assert.That(answer.Status, Is.EqualTo(400));
        Assert.That(answer.Error, Is.EqualTo("use_dpop_nonce"));
        var fresh = answer.Response.Headers.GetValues("DPoP-Nonce").Single();
        Assert.That(fresh, Is.Not.EqualTo("made-up-nonce"));
        var retried = await _client.PostTokenAsync(_client.Form(), _client.Proof("POST", _client.TokenEndpoint, fresh));
        Assert.That(retried.Status, Is.EqualTo(200), retried.Text);
    }

    [TestCase("no proof", "The DPoP proof JWT header is missing.")]
    [TestCase("ath of another token", "'ath' claim in the DPoP proof JWT is invalid.")]
    [TestCase("no ath", "'ath' claim in the DPoP proof JWT is invalid.")]
    [TestCase("proof by another key", "The DPoP proof JWT key does not match the key the access token is bound to.")]
    [TestCase("htm POST", "'htm' claim in the DPoP proof JWT is invalid.")]
    [TestCase("htu of another path", "'htu' claim in the DPoP proof JWT is invalid.")]
    [TestCase("htu with the query", "'htu' claim in the DPoP proof JWT is invalid.")]
    [TestCase("iat ten minutes ahead", "'iat' claim in the DPoP proof JWT is invalid.")]
    [TestCase("private key in jwk", "'jwk' header in the DPoP proof JWT must not contain a private key.")]
    public async Task A_bad_DPoP_proof_on_a_resource_call_is_401_invalid_dpop_proof(string fault, string description)
    {
        using var otherKey = TestKey.EcP256();
        var token = await _client.GetDpopTokenAsync();
        const string path = "/api/v1/users?limit=1";
        var url = _client.Url(path);
        string? proof = fault switch
        {
            "no proof" => null,
            "ath of another token" => _client.Proof("GET", url, accessToken: token + "x"),
            "no ath" => _client.Proof("GET", url),
            "proof by another key" => _client.Proof("GET", url, accessToken: token, key: otherKey),
            "htm POST" => _client.Proof("POST", url, accessToken: token),
            "htu of another path" => _client.Proof("GET", _client.Url("/api/v1/groups"), accessToken: token),
            "htu with the query" => _client.Proof("GET", url + "?limit=1", accessToken: token),
            "iat ten minutes ahead" => _client.Proof("GET", url, accessToken: token, editClaims: c => c["iat"] = OAuthTestClient.Now + 600),
            "private key in jwk" => _client.Proof("GET", url, accessToken: token, editHeader: h => h["jwk"] = _client.DpopKey.PrivateJwkMembers()),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        var answer = await _client.CallAsync(HttpMethod.Get, path, "DPoP", token, proof);
        Assert.That(answer.Status, Is.EqualTo(401));
        Assert.That(answer.Challenge, Is.EqualTo(Challenge("DPoP", "okta.users.read", "invalid_dpop_proof", description, "/api/v1/users")));
        Assert.That(answer.Body!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000011"));
        // The same token with a good proof still works: the refusal was the proof's.
        var good = await _client.CallWithDpopAsync(HttpMethod.Get, path, token);
        Assert.That(good.Status, Is.EqualTo(200), good.Challenge);
    }

    [Test]
    public async Task A_resource_proof_is_accepted_once()
    {
        var token = await _client.GetDpopTokenAsync("okta.apps.read");
        var proof = _client.Proof("GET", _client.Url("/api/v1/apps"), accessToken: token);
        var first = await _client.CallAsync(HttpMethod.Get, "/api/v1/apps", "DPoP", token, proof);
        Assert.That(first.Status, Is.EqualTo(200), first.Challenge);
        var replay = await _client.CallAsync(HttpMethod.Get, "/api/v1/apps", "DPoP", token, proof);
        Assert.That(replay.Status, Is.EqualTo(401));
        Assert.That(replay.Challenge, Does.Contain("error=\"invalid_dpop_proof\", error_description=\"'jti' claim in the DPoP proof JWT was already used.\""));
    }

    [Test]
    public async Task A_DPoP_bound_token_is_refused_as_a_Bearer_token_and_an_unknown_token_is_invalid_token()
    {
        var token = await _client.GetDpopTokenAsync();
        var asBearer = await _client.CallAsync(HttpMethod.Get, "/api/v1/users", "Bearer", token, _client.Proof("GET", _client.Url("/api/v1/users"), accessToken: token));
        Assert.That(asBearer.Status, Is.EqualTo(401));
        Assert.That(asBearer.Challenge, Does.StartWith("DPoP ").And.Contain("error=\"invalid_token\""));
        Assert.That(asBearer.Body!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000011"));

        var unknown = "A" + token[1..] == token ? "B" + token[1..] : "A" + token[1..];
        var forged = await _client.CallAsync(HttpMethod.Get, "/api/v1/users", "DPoP", unknown, _client.Proof("GET", _client.Url("/api/v1/users"), accessToken: unknown));
        Assert.That(forged.Status, Is.EqualTo(401));
        Assert.That(forged.Challenge, Is.EqualTo(Challenge("DPoP", "okta.users.read", "invalid_token", InvalidToken, "/api/v1/users")));
    }

    [Test]
    public async Task A_missing_scope_is_403_with_an_empty_body_and_Oktas_challenge()
    {
        var token = await _client.GetDpopTokenAsync("okta.users.read");
        var created = _server.Stats.CreatedUsers;
        var answer = await _client.CallWithDpopAsync(HttpMethod.Post, "/api/v1/users",
            token, "{\"profile\":{\"firstName\":\"No\",\"lastName\":\"Scope\",\"email\":\"noscope@example.com\",\"login\":\"noscope@example.com\"}}");
        Assert.That(answer.Status, Is.EqualTo(403));
        Assert.That(answer.Text, Is.Empty);
        Assert.That(answer.Challenge, Is.EqualTo(
            $"DPoP algs=\"RS256 RS384 RS512 ES256 ES384 ES512\", authorization_uri=\"{Origin}/oauth2/v1/authorize\", realm=\"{Origin}\", scope=\"okta.users.manage\", " +
            "error=\"insufficient_scope\", error_description=\"The access token provided does not contain the required scopes.\", resource=\"/api/v1/users\""));
        Assert.That(_server.Stats.CreatedUsers, Is.EqualTo(created), "nothing reached the org");

        var groupsOnly = await _client.GetDpopTokenAsync("okta.groups.read");
        var users = await _client.CallWithDpopAsync(HttpMethod.Get, "/api/v1/users", groupsOnly);
        Assert.That(users.Status, Is.EqualTo(403));
        Assert.That(users.Challenge, Does.Contain("scope=\"okta.users.read\""));
        var logs = await _client.CallWithDpopAsync(HttpMethod.Get, "/api/v1/logs", groupsOnly);
        Assert.That(logs.Challenge, Does.Contain("scope=\"okta.logs.read\", error=\"insufficient_scope\""));
    }

    [Test]
    public async Task A_manage_scope_also_allows_reading()
    {
        var manage = await _client.GetDpopTokenAsync("okta.users.manage okta.groups.manage");
        var users = await _client.CallWithDpopAsync(HttpMethod.Get, "/api/v1/users?limit=3", manage);
        Assert.That(users.Status, Is.EqualTo(200), users.Challenge);
        var userId = users.Body![2]!["id"]!.GetValue<string>();
        var user = await _client.CallWithDpopAsync(HttpMethod.Get, $"/api/v1/users/{userId}", manage);
        Assert.That(user.Status, Is.EqualTo(200), user.Challenge);
        var groups = await _client.CallWithDpopAsync(HttpMethod.Get, "/api/v1/groups", manage);
        var groupId = groups.Body![0]!["id"]!.GetValue<string>();
        var added = await _client.CallWithDpopAsync(HttpMethod.Put, $"/api/v1/groups/{groupId}/users/{userId}", manage);
        Assert.That(added.Status, Is.EqualTo(204), added.Challenge);
        var apps = await _client.CallWithDpopAsync(HttpMethod.Get, "/api/v1/apps", manage);
        Assert.That(apps.Status, Is.EqualTo(403), "okta.users.manage and okta.groups.manage do not cover apps");
    }

    [Test]
    public async Task An_app_that_does_not_require_DPoP_gets_a_Bearer_token_used_only_as_Bearer()
    {
        var withoutProof = await _bearer.PostTokenAsync(_bearer.Form("okta.users.read"), proof: null);
        Assert.That(withoutProof.Status, Is.EqualTo(200), withoutProof.Text);
        Assert.That(withoutProof.Body!["token_type"]!.GetValue<string>(), Is.EqualTo("Bearer"));
        var token = withoutProof.Body["access_token"]!.GetValue<string>();

        var ok = await _bearer.CallAsync(HttpMethod.Get, "/api/v1/users?limit=1", "Bearer", token, proof: null);
        Assert.That(ok.Status, Is.EqualTo(200), ok.Challenge);
        var asDpop = await _bearer.CallAsync(HttpMethod.Get, "/api/v1/users?limit=1", "DPoP", token, _bearer.Proof("GET", _bearer.Url("/api/v1/users"), accessToken: token));
        Assert.That(asDpop.Status, Is.EqualTo(401));
        Assert.That(asDpop.Challenge, Does.Contain("error=\"invalid_token\""));
        var noScope = await _bearer.CallAsync(HttpMethod.Get, "/api/v1/groups", "Bearer", token, proof: null);
        Assert.That(noScope.Status, Is.EqualTo(403));
        Assert.That(noScope.Challenge, Is.EqualTo(Challenge("Bearer", "okta.groups.read", "insufficient_scope", "The access token provided does not contain the required scopes.", "/api/v1/groups")));

        // As in Okta, such an app ignores a proof it was sent.
        var withProof = await _bearer.PostTokenAsync(_bearer.Form("okta.users.read"), _bearer.Proof("POST", _bearer.TokenEndpoint));
        Assert.That(withProof.Body!["token_type"]!.GetValue<string>(), Is.EqualTo("Bearer"));
    }

    [Test]
    public async Task SSWS_tokens_still_work_beside_OAuth_and_other_schemes_get_the_SSWS_challenge()
    {
        var ssws = await _client.CallAsync(HttpMethod.Get, "/api/v1/users?limit=1", "SSWS", Ssws, proof: null);
        Assert.That(ssws.Status, Is.EqualTo(200));
        var basic = await _client.CallAsync(HttpMethod.Get, "/api/v1/users?limit=1", "Basic", "dXNlcjpwYXNz", proof: null);
        Assert.That(basic.Status, Is.EqualTo(401));
        Assert.That(basic.Challenge, Is.EqualTo("SSWS realm=\"sandbox\""));
    }

    [Test]
    public async Task RevokeAllTokens_invalidates_every_token_issued_so_far_but_not_later_ones()
    {
        var before = await _client.GetDpopTokenAsync();
        Assert.That((await _client.CallWithDpopAsync(HttpMethod.Get, "/api/v1/users?limit=1", before)).Status, Is.EqualTo(200));
        _server.Faults.RevokeAllTokens();
        var revoked = await _client.CallWithDpopAsync(HttpMethod.Get, "/api/v1/users?limit=1", before);
        Assert.That(revoked.Status, Is.EqualTo(401));
        Assert.That(revoked.Challenge, Is.EqualTo(Challenge("DPoP", "okta.users.read", "invalid_token", InvalidToken, "/api/v1/users")));
        var after = await _client.GetDpopTokenAsync();
        Assert.That((await _client.CallWithDpopAsync(HttpMethod.Get, "/api/v1/users?limit=1", after)).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task FailTokenRequests_and_RejectTokenRequests_refuse_the_next_token_requests_and_are_counted()
    {
        var requests = _server.Stats.TokenRequests;
        _server.Faults.FailTokenRequests(2);
        for (var i = 0; i < 2; i++)
        {
            var failed = await _client.PostTokenAsync(_client.Form(), _client.Proof("POST", _client.TokenEndpoint, _client.Nonce));
            Assert.That(failed.Status, Is.EqualTo(500));
            Assert.That(failed.Error, Is.EqualTo("server_error"));
            Assert.That(failed.Response.Headers.CacheControl!.NoStore, Is.True);
        }
        _server.Faults.RejectTokenRequests(1);
        var rejected = await _client.PostTokenAsync(_client.Form(), _client.Proof("POST", _client.TokenEndpoint, _client.Nonce));
        Assert.That(rejected.Status, Is.EqualTo(401));
        Assert.That(rejected.Error, Is.EqualTo("invalid_client"));
        var ok = await _client.PostTokenAsync(_client.Form(), _client.Proof("POST", _client.TokenEndpoint, _client.Nonce));
        Assert.That(ok.Status, Is.EqualTo(200), ok.Text);
        Assert.That(_server.Stats.TokenRequests - requests, Is.EqualTo(4));
        Assert.That(() => _server.Faults.FailTokenRequests(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task Tokens_expire_after_AccessTokenLifetime_and_nonces_after_DpopNonceLifetime()
    {
        using var key = TestKey.EcP256("short-1");
        var app = new SandboxServiceApp { ClientId = DpopAppId, Keys = { key.PublicJwk() } };
        var clock = new SandboxClock();
        await using var server = await OktaSandboxServer.StartAsync(new SandboxOptions
        {
            Clock = clock, SeedUsers = 3, SeedGroups = 1, SeedApps = 1, SeedLogEvents = 1, ServiceApps = { app },
            AccessTokenLifetime = TimeSpan.FromSeconds(1), DpopNonceLifetime = TimeSpan.FromSeconds(1),
        });
        using var client = new OAuthTestClient(server.BaseAddress, DpopAppId, key);
        var nonce = await client.LearnNonceAsync();
        var answer = await client.PostTokenAsync(client.Form(), client.Proof("POST", client.TokenEndpoint, nonce));
        Assert.That(answer.Status, Is.EqualTo(200), answer.Text);
        Assert.That(answer.Body!["expires_in"]!.GetValue<long>(), Is.EqualTo(1));
        var token = answer.Body["access_token"]!.GetValue<string>();

        clock.Advance(TimeSpan.FromSeconds(2.2));
        var expired = await client.CallWithDpopAsync(HttpMethod.Get, "/api/v1/users", token);
        Assert.That(expired.Status, Is.EqualTo(401));
        Assert.That(expired.Challenge, Does.Contain($"error=\"invalid_token\", error_description=\"{InvalidToken}\""));
        var stale = await client.PostTokenAsync(client.Form(), client.Proof("POST", client.TokenEndpoint, nonce));
        Assert.That(stale.Error, Is.EqualTo("use_dpop_nonce"));
        Assert.That(stale.Response.Headers.GetValues("DPoP-Nonce").Single(), Is.Not.EqualTo(nonce));
    }

    [Test]
    public void The_scope_table_agrees_with_Oktas_description_and_covers_every_served_operation()
    {
        foreach (var entry in ManagementScopes.All)
        {
            var method = entry.Method.ToLowerInvariant();
            Assert.That(Schema.Value.HasOperation(entry.PathTemplate, method), Is.True, $"{entry.Method} {entry.PathTemplate} is not in Okta's description");
            Assert.That(Schema.Value.OAuthScopes(entry.PathTemplate, method), Does.Contain(entry.Scope), $"{entry.Method} {entry.PathTemplate}");
        }
        var table = ManagementScopes.All.Select(e => (e.PathTemplate, e.Method.ToLowerInvariant())).ToList();
        Assert.That(table, Is.Unique);
        Assert.That(table, Is.EquivalentTo(ServedOperations.All));
    }

    [Test]
    public void The_scope_table_matches_concrete_paths_and_manage_implies_read()
    {
        Assert.That(ManagementScopes.Find("GET", "/api/v1/users/00u1/groups")?.Scope, Is.EqualTo("okta.users.read"));
        Assert.That(ManagementScopes.Find("POST", "/api/v1/users/00u1/lifecycle/suspend")?.Scope, Is.EqualTo("okta.users.manage"));
        Assert.That(ManagementScopes.Find("DELETE", "/api/v1/groups/00g1/users/00u1")?.Scope, Is.EqualTo("okta.groups.manage"));
        Assert.That(ManagementScopes.Find("GET", "/api/v1/users/00u1/lifecycle/suspend"), Is.Null);
        Assert.That(ManagementScopes.Find("GET", "/api/v1/roles"), Is.Null);
        Assert.That(ManagementScopes.IsSatisfiedBy("okta.users.read", ["okta.users.manage"]), Is.True);
        Assert.That(ManagementScopes.IsSatisfiedBy("okta.users.manage", ["okta.users.read"]), Is.False);
        Assert.That(ManagementScopes.IsSatisfiedBy("okta.users.read", ["okta.groups.manage"]), Is.False);
    }

    [Test]
    public void Service_apps_with_private_or_unusable_keys_are_refused_at_start_and_a_JWKS_file_registers_one()
    {
        using var key = TestKey.EcP256("k1");
        var withPrivate = new JsonWebKey(System.Text.Json.JsonSerializer.Serialize(key.PrivateJwkMembers())) { Kid = "k1" };
        var options = new SandboxOptions { ServiceApps = { new SandboxServiceApp { ClientId = "0oaprivate", Keys = { withPrivate } } } };
        var error = Assert.ThrowsAsync<ArgumentException>(() => OktaSandboxServer.StartAsync(options));
        Assert.That(error!.Message, Does.Contain("private key material").And.Not.Contain((string)key.PrivateJwkMembers()["d"]));
        Assert.Throws<ArgumentException>(() => SandboxServiceApp.FromJwks("0oax", "{\"keys\":[" + System.Text.Json.JsonSerializer.Serialize(key.PrivateJwkMembers()) + "]}"));
        Assert.Throws<ArgumentException>(() => SandboxServiceApp.FromJwks("0oax", "not json"));
        Assert.Throws<ArgumentException>(() => SandboxServiceApp.FromJwks("0oax", "{\"keys\":[]}"));

        var app = SandboxServiceApp.FromJwks("0oax", "{\"keys\":[" + System.Text.Json.JsonSerializer.Serialize(key.PublicJwkMembers) + "]}");
        Assert.That(app.Keys, Has.Count.EqualTo(1));
        Assert.That(app.RequireDpop, Is.True);
        Assert.That(app.GrantedScopes, Is.EquivalentTo(SandboxServiceApp.DefaultScopes));
    }

    private string Challenge(string scheme, string scope, string error, string description, string resource) =>
        $"{scheme} " + (scheme == "DPoP" ? "algs=\"RS256 RS384 RS512 ES256 ES384 ES512\", " : "") +
        $"authorization_uri=\"{Origin}/oauth2/v1/authorize\", realm=\"{Origin}\", scope=\"{scope}\", error=\"{error}\", error_description=\"{description}\", resource=\"{resource}\"";

    /// <summary>The same claims with <c>alg: none</c> and no signature.</summary>
    private static string Unsigned(string jwt) =>
        Base64UrlEncoder.Encode("{\"alg\":\"none\",\"kid\":\"ec-1\"}") + "." + jwt.Split('.')[1] + ".";

    private async Task<Answer> PostJsonAsync(List<KeyValuePair<string, string>> form, string proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/v1/token")
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(form.ToDictionary(f => f.Key, f => f.Value)), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("DPoP", proof);
        return await Answer.ReadAsync(await _client.Http.SendAsync(request));
    }
}
