using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.OktaSandbox.Tests;

/// <summary>
/// Custom authorization servers over real loopback HTTP: discovery and JWKS, the three token shapes (agent alone, AGBAC agent
/// for a person, token exchange person with agent), DPoP binding, Okta's refusals, key rotation, the test sign-in, and the
/// authorization code flow with PKCE. Every token is validated against the published JWKS as a resource server would.
/// </summary>
public sealed class CustomAuthorizationServerTests
{
    private const string ServerId = "ausagents0000000001";
    private const string Audience = "api://quantaproxy";
    private const string AgentId = "0oaagent00000000001";
    private const string DpopAgentId = "0oadpopagent0000001";
    private const string OutsiderId = "0oaoutsider00000001";
    private const string WebAppId = "0oaconsole000000001";
    private const string Redirect = "http://127.0.0.1:5999/callback";
    private const string Ssws = "00sandbox-authz-ssws";

    private TestKey _agentKey = null!;
    private TestKey _dpopAgentKey = null!;
    private TestKey _outsiderKey = null!;
    private OktaSandboxServer _sandbox = null!;
    private CustomAuthorizationServer _server = null!;
    private HttpClient _http = null!;
    private SandboxAgentClient _agent = null!;
    private string _userId = null!;
    private string _userLogin = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _agentKey = TestKey.Rsa2048("agent-1");
        _dpopAgentKey = TestKey.EcP256("dpop-agent-1");
        _outsiderKey = TestKey.EcP256("outsider-1");
        var server = new SandboxAuthorizationServer { Id = ServerId, Audience = Audience, Scopes = { "qp.proxy", "qp.audit" }, AllowedClientIds = { AgentId, DpopAgentId, WebAppId } };
        server.OidcClients.Add(new SandboxOidcClient { ClientId = WebAppId, RedirectUris = { Redirect } });
        var options = new SandboxOptions
        {
            ApiTokens = { Ssws }, SeedUsers = 30, SeedGroups = 4, SeedApps = 2, SeedLogEvents = 5,
            ServiceApps =
            {
                new SandboxServiceApp { ClientId = AgentId, RequireDpop = false, Keys = { _agentKey.PublicJwk() } },
                new SandboxServiceApp { ClientId = DpopAgentId, Keys = { _dpopAgentKey.PublicJwk() } },
                new SandboxServiceApp { ClientId = OutsiderId, RequireDpop = false, Keys = { _outsiderKey.PublicJwk() } },
            },
            AuthorizationServers = { server },
        };
        _sandbox = await OktaSandboxServer.StartAsync(options);
        _server = _sandbox.AuthorizationServer(ServerId);
        _http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", Ssws);
        _agent = Agent(AgentId, _agentKey);
        var users = JsonNode.Parse(await _http.GetStringAsync("/api/v1/users?search=status%20eq%20%22ACTIVE%22&limit=1"))!.AsArray();
        _userId = users[0]!["id"]!.GetValue<string>();
        _userLogin = users[0]!["profile"]!["login"]!.GetValue<string>();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _agent.Dispose();
        _http.Dispose();
        await _sandbox.DisposeAsync();
        _agentKey.Dispose();
        _dpopAgentKey.Dispose();
        _outsiderKey.Dispose();
    }

    private SandboxAgentClient Agent(string clientId, TestKey key) => new(_server.Issuer, clientId, key.Credentials(key.SigningKey.KeyId));

    [Test]
    public async Task Metadata_names_the_issuer_and_endpoints_and_the_JWKS_lists_the_RS256_signing_key()
    {
        var issuer = _server.Issuer.AbsoluteUri;
        Assert.That(issuer, Is.EqualTo(_sandbox.BaseAddress.GetLeftPart(UriPartial.Authority) + "/oauth2/" + ServerId));
        foreach (var path in new[] { "oauth-authorization-server", "openid-configuration" })
        {
            var metadata = JsonNode.Parse(await _http.GetStringAsync($"/oauth2/{ServerId}/.well-known/{path}"))!;
            Assert.That(metadata["issuer"]!.GetValue<string>(), Is.EqualTo(issuer));
            Assert.That(metadata["token_endpoint"]!.GetValue<string>(), Is.EqualTo(issuer + "/v1/token"));
            Assert.That(metadata["jwks_uri"]!.GetValue<string>(), Is.EqualTo(issuer + "/v1/keys"));
            Assert.That(metadata["authorization_endpoint"]!.GetValue<string>(), Is.EqualTo(issuer + "/v1/authorize"));
            Assert.That(metadata["grant_types_supported"]!.AsArray().Select(g => g!.GetValue<string>()),
                Is.EquivalentTo(new[] { "authorization_code", "client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange" }));
            Assert.That(metadata["scopes_supported"]!.AsArray().Select(g => g!.GetValue<string>()), Is.SupersetOf(new[] { "openid", "qp.proxy", "qp.audit" }));
            Assert.That(metadata["token_endpoint_auth_methods_supported"]!.AsArray().Select(g => g!.GetValue<string>()), Is.EqualTo(new[] { "private_key_jwt" }));
            Assert.That(metadata["code_challenge_methods_supported"]!.AsArray().Select(g => g!.GetValue<string>()), Is.EqualTo(new[] { "S256" }));
        }
        var oidc = JsonNode.Parse(await _http.GetStringAsync($"/oauth2/{ServerId}/.well-known/openid-configuration"))!;
        Assert.That(oidc["id_token_signing_alg_values_supported"]!.AsArray().Select(a => a!.GetValue<string>()), Is.EqualTo(new[] { "RS256" }));

        using var keys = await _http.GetAsync($"/oauth2/{ServerId}/v1/keys");
        Assert.That(keys.Headers.CacheControl!.MustRevalidate, Is.True);
        var jwks = JsonNode.Parse(await keys.Content.ReadAsStringAsync())!["keys"]!.AsArray();
        var active = jwks.Single(k => k!["kid"]!.GetValue<string>() == _server.ActiveSigningKeyId)!;
        Assert.That(active.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "kty", "alg", "kid", "use", "e", "n" }));
        Assert.That(active["kty"]!.GetValue<string>(), Is.EqualTo("RSA"));
        Assert.That(active["alg"]!.GetValue<string>(), Is.EqualTo("RS256"));
        Assert.That(active["use"]!.GetValue<string>(), Is.EqualTo("sig"));

        using var unknown = await _http.GetAsync("/oauth2/ausnothere/.well-known/openid-configuration");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000007"));
    }

    [Test]
    public async Task Client_credentials_without_act_is_the_agent_alone()
    {
        var answer = await _agent.ClientCredentialsAsync("qp.proxy");
        Assert.That(answer.Status, Is.EqualTo(200), answer.ErrorDescription);
        Assert.That(answer.TokenType, Is.EqualTo("Bearer"));
        Assert.That(answer.ExpiresIn, Is.EqualTo(3600));
        Assert.That(answer.Scope, Is.EqualTo("qp.proxy"));
        var claims = await JwtAssertions.ValidateAsync(_http, _server, answer.AccessToken!, Audience);
        Assert.That(claims.Select(c => c.Key), Is.EqualTo(new[] { "ver", "jti", "iss", "aud", "iat", "exp", "cid", "scp", "sub" }));
        Assert.That(claims["sub"]!.GetValue<string>(), Is.EqualTo(AgentId));
        Assert.That(claims["cid"]!.GetValue<string>(), Is.EqualTo(AgentId));
        Assert.That(claims["aud"]!.GetValue<string>(), Is.EqualTo(Audience));
        Assert.That(claims["iss"]!.GetValue<string>(), Is.EqualTo(_server.Issuer.AbsoluteUri));
        Assert.That(claims["scp"]!.AsArray().Select(s => s!.GetValue<string>()), Is.EqualTo(new[] { "qp.proxy" }));
        Assert.That(claims["jti"]!.GetValue<string>(), Does.StartWith("AT."));
        Assert.That(claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>(), Is.EqualTo(3600));
        Assert.That(JwtAssertions.Header(answer.AccessToken!)["kid"]!.GetValue<string>(), Is.EqualTo(_server.ActiveSigningKeyId));
    }

    [Test]
    public async Task Client_credentials_with_act_in_the_assertion_is_the_agent_acting_for_the_person()
    {
        var act = new JsonObject { ["sub"] = _userId, ["email"] = _userLogin, ["name"] = "Alice Smith" };
        var answer = await _agent.ClientCredentialsAsync("qp.proxy qp.audit", act);
        Assert.That(answer.Status, Is.EqualTo(200), answer.ErrorDescription);
        var claims = await JwtAssertions.ValidateAsync(_http, _server, answer.AccessToken!, Audience);
        Assert.That(claims["sub"]!.GetValue<string>(), Is.EqualTo(AgentId));
        Assert.That(claims["cid"]!.GetValue<string>(), Is.EqualTo(AgentId));
        Assert.That(claims["act"]!.ToJsonString(), Is.EqualTo(act.ToJsonString()), "copied as it is");
        Assert.That(claims["scp"]!.AsArray().Select(s => s!.GetValue<string>()), Is.EqualTo(new[] { "qp.proxy", "qp.audit" }));
        Assert.That(claims.ContainsKey("uid"), Is.False);
    }

    [Test]
    public async Task Token_exchange_of_a_persons_ID_token_is_the_person_with_the_agent_as_act()
    {
        var idToken = _server.IssueIdToken(_userId, AgentId);
        var answer = await _agent.ExchangeIdTokenAsync(idToken, "qp.proxy");
        Assert.That(answer.Status, Is.EqualTo(200), answer.ErrorDescription);
        Assert.That(answer.IssuedTokenType, Is.EqualTo("urn:ietf:params:oauth:token-type:access_token"));
        Assert.That(answer.TokenType, Is.EqualTo("Bearer"));
        var claims = await JwtAssertions.ValidateAsync(_http, _server, answer.AccessToken!, Audience);
        Assert.That(claims.Select(c => c.Key), Is.EqualTo(new[] { "ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub", "act" }));
        Assert.That(claims["sub"]!.GetValue<string>(), Is.EqualTo(_userLogin));
        Assert.That(claims["uid"]!.GetValue<string>(), Is.EqualTo(_userId));
        Assert.That(claims["cid"]!.GetValue<string>(), Is.EqualTo(AgentId));
        Assert.That(claims["act"]!.ToJsonString(), Is.EqualTo($"{{\"sub\":\"{AgentId}\"}}"));
    }

    [Test]
    public async Task A_DPoP_proof_binds_the_token_with_cnf_jkt_and_an_app_that_requires_DPoP_must_send_one()
    {
        using var dpopAgent = Agent(DpopAgentId, _dpopAgentKey);
        var without = await dpopAgent.ClientCredentialsAsync("qp.proxy");
        Assert.That(without.Status, Is.EqualTo(400));
        Assert.That(without.Error, Is.EqualTo("invalid_dpop_proof"));
        Assert.That(without.ErrorDescription, Is.EqualTo("The DPoP proof JWT header is missing."));

        var bound = await dpopAgent.ClientCredentialsAsync("qp.proxy", dpop: true);
        Assert.That(bound.Status, Is.EqualTo(200), bound.ErrorDescription);
        Assert.That(bound.TokenType, Is.EqualTo("DPoP"));
        var claims = await JwtAssertions.ValidateAsync(_http, _server, bound.AccessToken!, Audience);
        Assert.That(claims["cnf"]!["jkt"]!.GetValue<string>(), Is.EqualTo(dpopAgent.DpopJkt));

        // An app that does not require DPoP still gets a bound token when it sends a proof, for each grant.
        var exchanged = await _agent.ExchangeIdTokenAsync(_server.IssueIdToken(_userLogin, AgentId), "qp.proxy", dpop: true);
        Assert.That(exchanged.TokenType, Is.EqualTo("DPoP"), exchanged.ErrorDescription);
        Assert.That(JwtAssertions.Payload(exchanged.AccessToken!)["cnf"]!["jkt"]!.GetValue<string>(), Is.EqualTo(_agent.DpopJkt));
    }

    [Test]
    public async Task A_bad_replayed_or_unknown_client_assertion_is_401_invalid_client()
    {
        using var impostorKey = TestKey.Rsa2048("agent-1");
        using var impostor = new SandboxAgentClient(_server.Issuer, AgentId, impostorKey.Credentials("agent-1"));
        var forged = await impostor.ClientCredentialsAsync("qp.proxy");
        Assert.That((forged.Status, forged.Error, forged.ErrorDescription), Is.EqualTo((401, "invalid_client", "The client_assertion signature is invalid.")));

        using var stranger = new SandboxAgentClient(_server.Issuer, "0oanobody0000000001", impostorKey.Credentials("agent-1"));
        var unknown = await stranger.ClientCredentialsAsync("qp.proxy");
        Assert.That((unknown.Status, unknown.Error, unknown.ErrorDescription), Is.EqualTo((401, "invalid_client", "Invalid value for the `client_id` parameter")));

        var assertion = _agent.ClientAssertion();
        var first = await PostAsync(Form("client_credentials", assertion, ("scope", "qp.proxy")));
        Assert.That(first.Status, Is.EqualTo(200), first.Text);
        var replay = await PostAsync(Form("client_credentials", assertion, ("scope", "qp.proxy")));
        Assert.That((replay.Status, replay.Error, replay.Description), Is.EqualTo((401, "invalid_client", "The client_assertion token has already been used.")));

        // The org authorization server's token endpoint is not an audience a custom server accepts.
        var orgAudience = Assertion(_agent, c => c["aud"] = _sandbox.BaseAddress.GetLeftPart(UriPartial.Authority) + "/oauth2/v1/token");
        var wrongAudience = await PostAsync(Form("client_credentials", orgAudience, ("scope", "qp.proxy")));
        Assert.That(wrongAudience.Description, Is.EqualTo("The audience claim for client_assertion must be the endpoint invoked for the request."));
        // The issuer is, as Okta's AGBAC guide has it.
        var issuerAudience = Assertion(_agent, c => c["aud"] = _server.Issuer.AbsoluteUri);
        var accepted = await PostAsync(Form("client_credentials", issuerAudience, ("scope", "qp.proxy")));
        Assert.That(accepted.Status, Is.EqualTo(200), accepted.Text);
    }

    [TestCase("password grant", 400, "unsupported_grant_type", "The grant type in the request isn't supported.")]
    [TestCase("no grant type", 400, "invalid_request", "The 'grant_type' parameter is required.")]
    [TestCase("scope not on the server", 400, "invalid_scope", "One or more scopes are not configured for the authorization server resource.")]
    [TestCase("okta scope", 400, "invalid_scope", "One or more scopes are not configured for the authorization server resource.")]
    [TestCase("no scope", 400, "invalid_scope", "No scopes were requested.")]
    [TestCase("client secret", 401, "invalid_client", "Client authentication with a client secret isn't allowed for this client: use private_key_jwt.")]
    [TestCase("no client credentials", 401, "invalid_client", "No client credentials found")]
    [TestCase("client not in the access policy", 400, "access_denied", "Policy evaluation failed for this request, please check the policy configurations.")]
    public async Task A_bad_token_request_gets_Oktas_OAuth_error(string fault, int status, string error, string description)
    {
        using var outsider = Agent(OutsiderId, _outsiderKey);
        var form = fault switch
        {
            "password grant" => Form("password", _agent.ClientAssertion(), ("scope", "qp.proxy"), ("username", "a"), ("password", "b")),
            "no grant type" => Form(null, _agent.ClientAssertion(), ("scope", "qp.proxy")),
            "scope not on the server" => Form("client_credentials", _agent.ClientAssertion(), ("scope", "qp.proxy qp.admin")),
            "okta scope" => Form("client_credentials", _agent.ClientAssertion(), ("scope", "okta.users.read")),
            "no scope" => Form("client_credentials", _agent.ClientAssertion()),
            "client secret" => [new("grant_type", "client_credentials"), new("scope", "qp.proxy"), new("client_id", AgentId), new("client_secret", "shh")],
            "no client credentials" => [new("grant_type", "client_credentials"), new("scope", "qp.proxy")],
            "client not in the access policy" => Form("client_credentials", outsider.ClientAssertion(), ("scope", "qp.proxy")),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        var answer = await PostAsync(form);
        Assert.That((answer.Status, answer.Error, answer.Description), Is.EqualTo((status, error, description)), answer.Text);
        Assert.That(answer.Response.Headers.CacheControl!.NoStore, Is.True);
    }

    [TestCase("expired", "The 'subject_token' is invalid: it is expired.")]
    [TestCase("forged signature", "The 'subject_token' is invalid: its signature does not verify.")]
    [TestCase("signed by a key of its own", "The 'subject_token' is invalid: its signature does not verify.")]
    [TestCase("issued by another org", "The 'subject_token' is invalid: it was not issued by an authorization server of this org.")]
    [TestCase("issued to another client", "The 'subject_token' is invalid: it was not issued to this client.")]
    [TestCase("not a JWT", "The 'subject_token' is invalid: it is not a JWT.")]
    [TestCase("user deactivated since", "The 'subject_token' is invalid: its subject is not an active user.")]
    public async Task An_exchange_of_a_bad_ID_token_is_invalid_grant(string fault, string description)
    {
        var good = _server.IssueIdToken(_userId, AgentId);
        string subjectToken;
        switch (fault)
        {
            case "expired":
                subjectToken = _server.IssueIdToken(_userId, AgentId, TimeSpan.FromSeconds(30), DateTimeOffset.UtcNow.AddMinutes(-10));
                break;
            case "forged signature":
                var parts = good.Split('.');
                var payload = JwtAssertions.Payload(good);
                payload["sub"] = "00uanother0000000001";
                subjectToken = parts[0] + "." + Base64UrlEncoder.Encode(payload.ToJsonString()) + "." + parts[2];
                break;
            case "signed by a key of its own":
            case "issued by another org":
                using (var key = TestKey.Rsa2048(_server.ActiveSigningKeyId))
                {
                    var claims = JwtAssertions.Payload(good);
                    if (fault == "issued by another org") claims["iss"] = "https://evil.example.com/oauth2/" + ServerId;
                    subjectToken = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(claims.ToJsonString(), key.Credentials(_server.ActiveSigningKeyId));
                }
                break;
            case "issued to another client":
                subjectToken = _server.IssueIdToken(_userId, WebAppId);
                break;
            case "not a JWT":
                subjectToken = "not-a-jwt";
                break;
            case "user deactivated since":
                var victim = await NewActiveUserAsync();
                subjectToken = _server.IssueIdToken(victim, AgentId);
                using (var deactivated = await _http.PostAsync($"/api/v1/users/{victim}/lifecycle/deactivate", null))
                    Assert.That(deactivated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault));
        }
        var answer = await _agent.ExchangeIdTokenAsync(subjectToken, "qp.proxy");
        Assert.That((answer.Status, answer.Error, answer.ErrorDescription), Is.EqualTo((400, "invalid_grant", description)));
    }

    [TestCase("access token as subject", "The 'subject_token_type' is not supported: use urn:ietf:params:oauth:token-type:id_token.")]
    [TestCase("actor token", "The 'actor_token' parameter is not supported: the authenticated client is the actor.")]
    [TestCase("no subject token", "The 'subject_token' parameter is required.")]
    public async Task A_malformed_exchange_is_invalid_request(string fault, string description)
    {
        var idToken = _server.IssueIdToken(_userId, AgentId);
        var fields = new List<(string, string)> { ("scope", "qp.proxy"), ("subject_token", idToken), ("subject_token_type", "urn:ietf:params:oauth:token-type:id_token") };
        if (fault == "access token as subject") fields[2] = ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token");
        if (fault == "actor token") fields.Add(("actor_token", idToken));
        if (fault == "no subject token") fields.RemoveAt(1);
        var answer = await PostAsync(Form("urn:ietf:params:oauth:grant-type:token-exchange", _agent.ClientAssertion(), [.. fields]));
        Assert.That((answer.Status, answer.Error, answer.Description), Is.EqualTo((400, "invalid_request", description)));
    }

    [Test]
    public async Task Key_rotation_publishes_a_new_kid_and_old_tokens_verify_only_while_the_old_key_is_kept()
    {
        var sandboxServer = new SandboxAuthorizationServer { Id = "ausrotation", Audience = Audience, Scopes = { "qp.proxy" } };
        using var key = TestKey.Rsa2048("rot-1");
        await using var sandbox = await OktaSandboxServer.StartAsync(new SandboxOptions
        {
            SeedUsers = 2, SeedGroups = 1, SeedApps = 1, SeedLogEvents = 1, AuthorizationServers = { sandboxServer },
            ServiceApps = { new SandboxServiceApp { ClientId = AgentId, RequireDpop = false, Keys = { key.PublicJwk() } } },
        });
        var server = sandbox.AuthorizationServer("ausrotation");
        using var http = new HttpClient();
        using var agent = new SandboxAgentClient(server.Issuer, AgentId, key.Credentials("rot-1"));
        var before = (await agent.ClientCredentialsAsync("qp.proxy")).EnsureAccessToken();
        var oldKid = server.ActiveSigningKeyId;

        var newKid = server.RotateSigningKey(keepPrevious: true);
        Assert.That(newKid, Is.Not.EqualTo(oldKid));
        Assert.That(server.SigningKeyIds, Is.EqualTo(new[] { oldKid, newKid }));
        var after = (await agent.ClientCredentialsAsync("qp.proxy")).EnsureAccessToken();
        Assert.That(JwtAssertions.Header(after)["kid"]!.GetValue<string>(), Is.EqualTo(newKid));
        Assert.That((await JwtAssertions.TryValidateAsync(http, server, before, Audience)).IsValid, Is.True, "the old key is still published");
        Assert.That((await JwtAssertions.TryValidateAsync(http, server, after, Audience)).IsValid, Is.True);

        var newest = server.RotateSigningKey(keepPrevious: false);
        Assert.That(server.SigningKeyIds, Is.EqualTo(new[] { newest }));
        var jwks = JsonNode.Parse(await http.GetStringAsync(server.JwksUrl))!["keys"]!.AsArray();
        Assert.That(jwks.Select(k => k!["kid"]!.GetValue<string>()), Is.EqualTo(new[] { newest }));
        Assert.That((await JwtAssertions.TryValidateAsync(http, server, before, Audience)).IsValid, Is.False, "the dropped key no longer verifies");
        Assert.That((await JwtAssertions.TryValidateAsync(http, server, after, Audience)).IsValid, Is.False);
    }

    [Test]
    public async Task The_test_sign_in_endpoint_needs_the_API_token_and_mints_an_ID_token_of_the_server()
    {
        using var anonymous = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        using var refused = await anonymous.PostAsync($"/oauth2/{ServerId}/v1/test-id-token", Json(new JsonObject { ["user"] = _userLogin, ["client_id"] = AgentId }));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        using var response = await _http.PostAsync($"/oauth2/{ServerId}/v1/test-id-token", Json(new JsonObject { ["user"] = _userLogin, ["client_id"] = AgentId, ["nonce"] = "n-1" }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var idToken = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id_token"]!.GetValue<string>();
        var claims = await JwtAssertions.ValidateAsync(_http, _server, idToken, AgentId);
        Assert.That(claims["sub"]!.GetValue<string>(), Is.EqualTo(_userId));
        Assert.That(claims["preferred_username"]!.GetValue<string>(), Is.EqualTo(_userLogin));
        Assert.That(claims["nonce"]!.GetValue<string>(), Is.EqualTo("n-1"));
        Assert.That(claims["groups"]!.AsArray().Select(g => g!.GetValue<string>()), Does.Contain("Everyone"));
        Assert.That(JwtAssertions.Header(idToken)["alg"]!.GetValue<string>(), Is.EqualTo("RS256"));

        using var nobody = await _http.PostAsync($"/oauth2/{ServerId}/v1/test-id-token", Json(new JsonObject { ["user"] = "nobody@example.com", ["client_id"] = AgentId }));
        Assert.That(nobody.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(() => _server.IssueIdToken("nobody@example.com", AgentId), Throws.ArgumentException);
    }

    [Test]
    public async Task Authorization_code_with_PKCE_signs_a_person_in_with_a_groups_claim_and_a_code_works_once()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _sandbox.BaseAddress };
        var verifier = Base64UrlEncoder.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = $"/oauth2/{ServerId}/v1/authorize?client_id={WebAppId}&response_type=code&scope=openid%20profile%20groups%20qp.audit" +
                        $"&redirect_uri={Uri.EscapeDataString(Redirect)}&state=s-1&nonce=n-2&code_challenge={challenge}&code_challenge_method=S256&sandbox_user={Uri.EscapeDataString(_userLogin)}";
        using var redirect = await browser.GetAsync(authorize);
        Assert.That(redirect.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var location = redirect.Headers.Location!;
        Assert.That(location.GetLeftPart(UriPartial.Path), Is.EqualTo(Redirect));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query);
        Assert.That(query["state"].ToString(), Is.EqualTo("s-1"));
        var code = query["code"].ToString();

        var wrong = await PostAsync([new("grant_type", "authorization_code"), new("client_id", WebAppId), new("code", code), new("redirect_uri", Redirect), new("code_verifier", verifier[..^1] + (verifier[^1] == 'A' ? "B" : "A"))]);
        Assert.That((wrong.Status, wrong.Error), Is.EqualTo((400, "invalid_grant")));

        using var again = await browser.GetAsync(authorize);
        var code2 = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(again.Headers.Location!.Query)["code"].ToString();
        var redeemed = await PostAsync([new("grant_type", "authorization_code"), new("client_id", WebAppId), new("code", code2), new("redirect_uri", Redirect), new("code_verifier", verifier)]);
        Assert.That(redeemed.Status, Is.EqualTo(200), redeemed.Text);
        var idToken = redeemed.Body!["id_token"]!.GetValue<string>();
        var id = await JwtAssertions.ValidateAsync(_http, _server, idToken, WebAppId);
        Assert.That(id["sub"]!.GetValue<string>(), Is.EqualTo(_userId));
        Assert.That(id["nonce"]!.GetValue<string>(), Is.EqualTo("n-2"));
        Assert.That(id["groups"]!.AsArray().Select(g => g!.GetValue<string>()), Does.Contain("Everyone"));
        var access = await JwtAssertions.ValidateAsync(_http, _server, redeemed.Body["access_token"]!.GetValue<string>(), Audience);
        Assert.That(access["sub"]!.GetValue<string>(), Is.EqualTo(_userLogin));
        Assert.That(access["uid"]!.GetValue<string>(), Is.EqualTo(_userId));
        Assert.That(access["cid"]!.GetValue<string>(), Is.EqualTo(WebAppId));

        var reused = await PostAsync([new("grant_type", "authorization_code"), new("client_id", WebAppId), new("code", code2), new("redirect_uri", Redirect), new("code_verifier", verifier)]);
        Assert.That((reused.Status, reused.Error), Is.EqualTo((400, "invalid_grant")));

        using var noPkce = await browser.GetAsync(authorize.Replace($"&code_challenge={challenge}", "", StringComparison.Ordinal));
        Assert.That(noPkce.Headers.Location!.Query, Does.Contain("error=invalid_request"));
        using var badRedirect = await browser.GetAsync(authorize.Replace(Uri.EscapeDataString(Redirect), Uri.EscapeDataString("https://evil.example.com/cb"), StringComparison.Ordinal));
        Assert.That(badRedirect.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "never redirected to an unregistered URI");
    }

    [Test]
    public async Task An_agent_registered_while_the_sandbox_runs_gets_tokens()
    {
        using var key = TestKey.EcP256("late-1");
        const string lateId = "0oalateagent0000001";
        using var late = Agent(lateId, key);
        Assert.That((await late.ClientCredentialsAsync("qp.proxy")).Error, Is.EqualTo("invalid_client"));
        _sandbox.RegisterAgent(new SandboxServiceApp { ClientId = lateId, RequireDpop = false, Keys = { key.PublicJwk() } });
        // The access policy admits listed clients only; this server lists none of the late one, so it is refused by policy now.
        Assert.That((await late.ClientCredentialsAsync("qp.proxy")).Error, Is.EqualTo("access_denied"));
        Assert.That(() => _sandbox.RegisterAgent(new SandboxServiceApp { ClientId = lateId, Keys = { key.PublicJwk() } }), Throws.ArgumentException);
    }

    private async Task<string> NewActiveUserAsync()
    {
        var login = $"agent-subject-{Guid.NewGuid():N}@example.com";
        using var created = await _http.PostAsync("/api/v1/users?activate=true", Json(new JsonObject { ["profile"] = new JsonObject { ["firstName"] = "A", ["lastName"] = "B", ["email"] = login, ["login"] = login } }));
        return JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static List<KeyValuePair<string, string>> Form(string? grantType, string assertion, params (string Name, string Value)[] fields)
    {
        var form = new List<KeyValuePair<string, string>>();
        if (grantType is not null) form.Add(new("grant_type", grantType));
        form.Add(new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
        form.Add(new("client_assertion", assertion));
        form.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return form;
    }

    private string Assertion(SandboxAgentClient agent, Action<JsonObject> edit)
    {
        var payload = JwtAssertions.Payload(agent.ClientAssertion());
        edit(payload);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(payload.ToJsonString(), _agentKey.Credentials("agent-1"));
    }

    private async Task<Answer> PostAsync(List<KeyValuePair<string, string>> form)
    {
        using var anonymous = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/oauth2/{ServerId}/v1/token") { Content = new FormUrlEncodedContent(form) };
        return await Answer.ReadAsync(await anonymous.SendAsync(request));
    }
}
