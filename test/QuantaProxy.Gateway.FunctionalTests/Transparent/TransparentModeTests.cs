using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.Gateway.Transparent;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Transparent;

/// <summary>
/// Transparent mode end to end, the real gateway in front of the sandbox: Okta's own requests under
/// <c>/okta/{integration_id}</c> with the API key as the SSWS token, answered in Okta's shape, paged through rewritten
/// links, refused with Okta's error bodies, audited, and signed so the tenant's keys verify the answer.
/// </summary>
public sealed class TransparentModeTests
{
    private const string Token = "00transparent-token";
    private OktaSandboxServer _okta = null!;
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private TenantKeyBundle _bundle = null!;
    private string _integration = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 45 });
        _host = await GatewayHost.StartAsync();
        _tenant = await TenantSession.CreateAsync(_host, "transparent");
        _bundle = TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(await _tenant.BundleJsonAsync(_host)));
        var credential = (await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", _tenant.ApiKey,
            new { credential_type = "api_key", name = "okta", secret = new { token = Token } }))["credential_id"]!.GetValue<string>();
        _integration = (await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, new
        {
            system_type = "okta", name = "transparent", okta_domain = _okta.BaseAddress.ToString().TrimEnd('/'), credential_id = credential,
            allowed_operations = new[] { "list_users", "get_user", "create_user", "update_user", "deactivate_user", "list_groups", "get_system_log" },
        }))["integration_id"]!.GetValue<string>();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _bundle.Dispose();
        await _host.DisposeAsync();
        await _okta.DisposeAsync();
    }

    private string Org => $"{_host.BaseAddress.ToString().TrimEnd('/')}/okta/{_integration}";

    private async Task<(HttpResponseMessage Response, byte[] Body)> SendAsync(HttpMethod method, string url, string? json = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("SSWS", apiKey ?? _tenant.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await _host.Client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(", ", content) : null;

    private static string? NextLink(HttpResponseMessage response) =>
        Header(response, "Link")?.Split(", <").Select(l => l.TrimStart('<')).Where(l => l.Contains("rel=\"next\"", StringComparison.Ordinal))
            .Select(l => l[..l.IndexOf('>', StringComparison.Ordinal)]).FirstOrDefault();

    private async Task<JsonArray> EventsAsync(string type) =>
        (await _host.OkAsync(HttpMethod.Get, $"/api/v2/audit/events?type={type}&limit=200", _tenant.ApiKey))["events"]!.AsArray();

    /// <summary>Checks X-QuantaProxy-Signature against the tenant's public signing key and HMAC key; returns SHA-256(M).</summary>
    private string VerifySignature(HttpResponseMessage response, byte[] body)
    {
        var parsed = TransparentAnswerFormat.Parse(Header(response, TransparentAnswerFormat.SignatureHeader)!) ?? throw new AssertionException("no qp-transparent-v1 signature");
        var message = TransparentAnswerFormat.SignedMessage(_tenant.TenantId, parsed.KeyId, Header(response, TransparentAnswerFormat.AuditEventHeader)!,
            Header(response, "X-Request-Id")!, _integration, OperationOf(response), (int)response.StatusCode, name => Header(response, name), body);
        var key = _bundle.FindSigningKey(parsed.KeyId) ?? throw new AssertionException($"unknown signing key {parsed.KeyId}");
        Assert.That(key.PublicKey.Verify(message, TransparentAnswerFormat.SignatureContext, parsed.Pqc), Is.True, "ML-DSA-65 verifies");
        Assert.That(CryptographicOperations.FixedTimeEquals(HMACSHA512.HashData(_tenant.HmacKey, message), parsed.Hmac), Is.True, "HMAC-SHA-512 verifies");
        return Convert.ToHexStringLower(SHA256.HashData(message));
    }

    // The operation is part of M; the tests know it from the audit event of the answer.
    private string OperationOf(HttpResponseMessage response) => _operations[Header(response, TransparentAnswerFormat.AuditEventHeader)!];
    private readonly Dictionary<string, string> _operations = new(StringComparer.Ordinal);

    private async Task<JsonObject> EventAsync(HttpResponseMessage response, string type)
    {
        var id = Header(response, TransparentAnswerFormat.AuditEventHeader)!;
        var audited = (await EventsAsync(type)).Single(e => e!["event_id"]!.GetValue<string>() == id)!.AsObject();
        _operations[id] = audited["operation"]!.GetValue<string>();
        return audited;
    }

    [Test]
    public async Task Listing_users_pages_through_links_rewritten_to_the_gateway()
    {
        var ids = new List<string>();
        string? url = $"{Org}/api/v1/users?limit=10";
        var pages = 0;
        while (url is not null)
        {
            var (response, body) = await SendAsync(HttpMethod.Get, url);
            using (response)
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), Encoding.UTF8.GetString(body));
                ids.AddRange(JsonNode.Parse(body)!.AsArray().Select(u => u!["id"]!.GetValue<string>()));
                Assert.That(Header(response, "X-Rate-Limit-Remaining"), Is.Not.Null, "Okta's rate-limit headers pass through");
                url = NextLink(response);
                if (url is not null) Assert.That(url, Does.StartWith($"{Org}/api/v1/users?"), "the next page stays on the gateway");
                Assert.That(Header(response, "Link"), Does.Not.Contain(_okta.BaseAddress.Authority), "no link leads to Okta directly");
            }
            Assert.That(++pages, Is.LessThan(20));
        }
        using var direct = new HttpClient { BaseAddress = _okta.BaseAddress };
        direct.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", Token);
        var expected = JsonNode.Parse(await direct.GetStringAsync("/api/v1/users?limit=200"))!.AsArray().Select(u => u!["id"]!.GetValue<string>()).ToList();
        Assert.That(ids, Is.EqualTo(expected), "every user, once, in Okta's order");
        Assert.That(pages, Is.GreaterThan(4));
    }

    [Test]
    public async Task Get_user_answers_Okta_body_with_an_audit_event_and_a_signature_the_tenant_verifies()
    {
        var (list, listBody) = await SendAsync(HttpMethod.Get, $"{Org}/api/v1/users?limit=1");
        list.Dispose();
        var id = JsonNode.Parse(listBody)![0]!["id"]!.GetValue<string>();

        var (response, body) = await SendAsync(HttpMethod.Get, $"{Org}/api/v1/users/{id}");
        using (response)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), Encoding.UTF8.GetString(body));
            Assert.That(JsonNode.Parse(body)!["id"]!.GetValue<string>(), Is.EqualTo(id));
            Assert.That(Header(response, "X-Okta-Request-Id"), Is.Not.Null);
            var audited = await EventAsync(response, "proxy.call");
            Assert.That(audited["operation"]!.GetValue<string>(), Is.EqualTo("get_user"));
            Assert.That(audited["outcome"]!.GetValue<string>(), Is.EqualTo("success"));
            var digest = VerifySignature(response, body);
            Assert.That(audited["response_digest"]!.GetValue<string>(), Is.EqualTo(digest), "the event names exactly this answer");

            var tampered = (byte[])body.Clone();
            tampered[^2] ^= 1;
            Assert.Throws<AssertionException>(() => VerifySignature(response, tampered), "a changed body fails the signature");
        }
    }

    [Test]
    public async Task Okta_own_error_passes_through_signed()
    {
        var (response, body) = await SendAsync(HttpMethod.Get, $"{Org}/api/v1/users/00unosuchuser000001");
        using (response)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(JsonNode.Parse(body)!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000007"));
            var audited = await EventAsync(response, "proxy.call");
            Assert.That(audited["outcome"]!.GetValue<string>(), Is.EqualTo("okta_error"));
            Assert.That(audited["response_digest"]!.GetValue<string>(), Is.EqualTo(VerifySignature(response, body)));
        }
    }

    [Test]
    public async Task Create_then_deactivate_a_user_with_Okta_JSON()
    {
        var login = $"transparent.{Guid.NewGuid():N}@example.com";
        var (created, createdBody) = await SendAsync(HttpMethod.Post, $"{Org}/api/v1/users?activate=true",
            new JsonObject
            {
                ["profile"] = new JsonObject { ["firstName"] = "Tara", ["lastName"] = "Parent", ["email"] = login, ["login"] = login },
                ["credentials"] = new JsonObject { ["password"] = new JsonObject { ["value"] = "Correct-Horse-9-battery" } },
            }.ToJsonString());
        using (created)
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK), Encoding.UTF8.GetString(createdBody));
            Assert.That(Encoding.UTF8.GetString(createdBody), Does.Not.Contain("Correct-Horse"), "the password is never echoed");
            var audited = await EventAsync(created, "proxy.call");
            Assert.That(audited["operation"]!.GetValue<string>(), Is.EqualTo("create_user"));
            Assert.That((await EventsAsync("proxy.intent")).Any(e => e!["detail"]!.GetValue<string>() == $"call_event={audited["event_id"]!.GetValue<string>()}"), Is.True,
                "the intent was recorded before the call");
        }
        var user = JsonNode.Parse(createdBody)!;
        Assert.That(user["status"]!.GetValue<string>(), Is.EqualTo("ACTIVE"));
        Assert.That(user["profile"]!["login"]!.GetValue<string>(), Is.EqualTo(login));
        var id = user["id"]!.GetValue<string>();

        var (deactivated, deactivatedBody) = await SendAsync(HttpMethod.Post, $"{Org}/api/v1/users/{id}/lifecycle/deactivate");
        using (deactivated) Assert.That(deactivated.StatusCode, Is.EqualTo(HttpStatusCode.OK), Encoding.UTF8.GetString(deactivatedBody));
        var (fetched, fetchedBody) = await SendAsync(HttpMethod.Get, $"{Org}/api/v1/users/{id}");
        using (fetched) Assert.That(JsonNode.Parse(fetchedBody)!["status"]!.GetValue<string>(), Is.EqualTo("DEPROVISIONED"));
    }

    private static void AssertOktaError(byte[] body, string code, string? summary = null)
    {
        var error = JsonNode.Parse(body)!.AsObject();
        Assert.That(error["errorCode"]!.GetValue<string>(), Is.EqualTo(code), error.ToJsonString());
        Assert.That(error["errorLink"]!.GetValue<string>(), Is.EqualTo(code));
        Assert.That(error["errorId"]!.GetValue<string>(), Is.Not.Empty);
        Assert.That(error["errorCauses"], Is.InstanceOf<JsonArray>());
        if (summary is not null) Assert.That(error["errorSummary"]!.GetValue<string>(), Is.EqualTo(summary));
    }

    [TestCase("POST", "/api/v1/users/00u1/lifecycle/suspend", TestName = "A catalog operation the integration does not allow")]
    [TestCase("DELETE", "/api/v1/users/00u1", TestName = "A call outside the catalog")]
    [TestCase("GET", "/api/v1/apps/0oa1/credentials/keys", TestName = "A path outside the catalog")]
    public async Task Refused_with_Okta_403_and_a_denied_event(string method, string path)
    {
        var requests = _okta.Stats.Requests;
        var (response, body) = await SendAsync(new HttpMethod(method), Org + path);
        using (response)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), Encoding.UTF8.GetString(body));
            AssertOktaError(body, "E0000006", "You do not have permission to perform the requested action");
            Assert.That(JsonNode.Parse(body)!["errorCauses"]!.AsArray(), Is.Empty);
            var id = Header(response, TransparentAnswerFormat.AuditEventHeader);
            Assert.That((await EventsAsync("proxy.denied")).Any(e => e!["event_id"]!.GetValue<string>() == id), Is.True, "a proxy.denied event");
        }
        Assert.That(_okta.Stats.Requests, Is.EqualTo(requests), "nothing was sent to Okta");
    }

    [TestCase("/api/v1/users?limit=0", TestName = "A value outside the catalog's bounds")]
    [TestCase("/api/v1/users?expand=everything", TestName = "A query parameter the operation does not take")]
    [TestCase("/api/v1/users?limit=1&limit=2", TestName = "A repeated query parameter")]
    public async Task Invalid_requests_get_Okta_400(string pathAndQuery)
    {
        var (response, body) = await SendAsync(HttpMethod.Get, Org + pathAndQuery);
        using (response)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), Encoding.UTF8.GetString(body));
            AssertOktaError(body, "E0000001");
            Assert.That(JsonNode.Parse(body)!["errorCauses"]!.AsArray(), Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task A_create_body_with_members_outside_the_catalog_is_refused()
    {
        var (response, body) = await SendAsync(HttpMethod.Post, $"{Org}/api/v1/users",
            """{"profile":{"firstName":"A","lastName":"B","email":"a@example.com","login":"a@example.com"},"groupIds":["00g1"]}""");
        using (response)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), Encoding.UTF8.GetString(body));
            AssertOktaError(body, "E0000001");
        }
    }

    [Test]
    public async Task An_unknown_integration_is_Okta_404()
    {
        var (response, body) = await SendAsync(HttpMethod.Get, $"{_host.BaseAddress.ToString().TrimEnd('/')}/okta/int_0000000000000000000000000000/api/v1/users");
        using (response)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), Encoding.UTF8.GetString(body));
            AssertOktaError(body, "E0000007");
        }
    }

    [Test]
    public async Task The_SSWS_key_is_accepted_only_on_the_transparent_endpoints()
    {
        var (bad, badBody) = await SendAsync(HttpMethod.Get, $"{Org}/api/v1/users?limit=1", apiKey: "qp_live_not-a-real-key");
        using (bad) Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        AssertOktaError(badBody, "E0000011", "Invalid token provided");

        using var elsewhere = new HttpRequestMessage(HttpMethod.Get, "/api/v2/integrations");
        elsewhere.Headers.Authorization = new AuthenticationHeaderValue("SSWS", _tenant.ApiKey);
        using var refused = await _host.Client.SendAsync(elsewhere);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "other endpoints keep X-API-Key");
        Assert.That(refused.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), "and their own problems");

        using var withHeader = GatewayHost.Request(HttpMethod.Get, $"/okta/{_integration}/api/v1/users?limit=1", _tenant.ApiKey);
        using var accepted = await _host.Client.SendAsync(withHeader);
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK), "X-API-Key works here too");
    }

    [Test]
    public async Task A_key_without_proxy_invoke_is_Okta_403()
    {
        var key = (await _host.OkAsync(HttpMethod.Post, "/api/v2/api-keys", _host.AdminKey,
            new { tenant_id = _tenant.TenantId, name = "reader", scopes = new[] { "audit:read" } }))["api_key"]!.GetValue<string>();
        var (response, body) = await SendAsync(HttpMethod.Get, $"{Org}/api/v1/users?limit=1", apiKey: key);
        using (response) Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), Encoding.UTF8.GetString(body));
        AssertOktaError(body, "E0000006", "You do not have permission to perform the requested action");
    }

    [Test]
    public async Task Update_user_takes_Okta_profile_JSON()
    {
        var (list, listBody) = await SendAsync(HttpMethod.Get, $"{Org}/api/v1/users?limit=1");
        list.Dispose();
        var id = JsonNode.Parse(listBody)![0]!["id"]!.GetValue<string>();
        var (updated, updatedBody) = await SendAsync(HttpMethod.Post, $"{Org}/api/v1/users/{id}", """{"profile":{"firstName":"Renamed"}}""");
        using (updated) Assert.That(updated.StatusCode, Is.EqualTo(HttpStatusCode.OK), Encoding.UTF8.GetString(updatedBody));
        Assert.That(JsonNode.Parse(updatedBody)!["profile"]!["firstName"]!.GetValue<string>(), Is.EqualTo("Renamed"));

        var (whole, wholeBody) = await SendAsync(HttpMethod.Post, $"{Org}/api/v1/users/{id}", new JsonObject { ["id"] = id, ["profile"] = new JsonObject { ["firstName"] = "Again" } }.ToJsonString());
        using (whole) Assert.That(whole.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a whole user object is refused: only profile is sent");
        AssertOktaError(wholeBody, "E0000001");
    }
}
