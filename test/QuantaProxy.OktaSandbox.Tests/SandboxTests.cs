using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.Tests;

public sealed class SandboxTests
{
    private const string Token = "00sandbox-token";
    private OktaSandboxServer _server = null!;
    private HttpClient _http = null!;
    private static readonly Lazy<OktaSchema> Schema = new(OktaSchema.Load);

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 450 });
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Test]
    public async Task Without_a_valid_SSWS_token_the_answer_is_E0000011()
    {
        using var anonymous = new HttpClient { BaseAddress = _server.BaseAddress };
        using var response = await anonymous.GetAsync("/api/v1/users");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(body["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000011"));
        Assert.That(body.AsObject().Select(p => p.Key), Is.SupersetOf(new[] { "errorCode", "errorSummary", "errorLink", "errorId", "errorCauses" }));
    }

    [TestCase("/api/v1/users?limit=5", "User")]
    [TestCase("/api/v1/groups?limit=5", "Group")]
    [TestCase("/api/v1/apps?limit=5", "Application")]
    [TestCase("/api/v1/logs?limit=5", "LogEvent")]
    public async Task Lists_answer_with_fields_Okta_declares_and_rate_limit_headers(string path, string schema)
    {
        var (response, body) = await SendAsync(HttpMethod.Get, path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.Contains("X-Okta-Request-Id") && response.Headers.Contains("X-Rate-Limit-Limit")
                    && response.Headers.Contains("X-Rate-Limit-Remaining") && response.Headers.Contains("X-Rate-Limit-Reset"), Is.True);
        var declared = Schema.Value.Properties(schema);
        // Okta declares an app's name and settings on its sign-on-mode subtype.
        if (schema == "Application") declared.UnionWith(Schema.Value.Properties("BookmarkApplication").Union(Schema.Value.Properties("OpenIdConnectApplication")));
        Assert.That(declared, Is.Not.Empty);
        foreach (var item in body!.AsArray())
            foreach (var (name, _) in item!.AsObject())
                Assert.That(declared, Does.Contain(name), $"{schema}.{name} is not in Okta's schema");
    }

    [Test]
    public void Every_path_the_sandbox_serves_is_in_Oktas_description()
    {
        var served = ServedOperations.All;
        var missing = served.Where(s => !Schema.Value.HasOperation(s.Path, s.Method)).ToList();
        Assert.That(missing, Is.Empty, string.Join(", ", missing));
    }

    [Test]
    public async Task Paging_with_Link_next_visits_every_user_exactly_once()
    {
        var seen = new HashSet<string>();
        string? next = "/api/v1/users?limit=200";
        var pages = 0;
        while (next is not null)
        {
            var (response, body) = await SendAsync(HttpMethod.Get, next);
            foreach (var u in body!.AsArray()) Assert.That(seen.Add(u!["id"]!.GetValue<string>()), Is.True, "no user twice");
            pages++;
            next = response.Headers.TryGetValues("Link", out var links)
                ? links.Select(l => l.Split(';')).Where(p => p[1].Trim() == "rel=\"next\"").Select(p => new Uri(p[0].Trim('<', '>', ' ')).PathAndQuery).FirstOrDefault()
                : null;
        }
        Assert.That(seen, Has.Count.EqualTo(450));
        Assert.That(pages, Is.EqualTo(3));
    }

    [Test]
    public async Task Unknown_ids_are_E0000007_and_a_duplicate_login_is_E0000001()
    {
        var (missing, body) = await SendAsync(HttpMethod.Get, "/api/v1/users/00unothere0000000000");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(body!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000007"));
        var create = "{\"profile\":{\"firstName\":\"Ada\",\"lastName\":\"L\",\"email\":\"ada@example.com\",\"login\":\"ada@example.com\"}}";
        var (created, user) = await SendAsync(HttpMethod.Post, "/api/v1/users?activate=true", create);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(user?["status"]?.GetValue<string>(), Is.EqualTo("ACTIVE"), user?.ToJsonString());
        var (duplicate, error) = await SendAsync(HttpMethod.Post, "/api/v1/users", create);
        Assert.That(duplicate.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(error!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000001"));
        var id = user["id"]!.GetValue<string>();
        var (suspended, _) = await SendAsync(HttpMethod.Post, $"/api/v1/users/{id}/lifecycle/suspend");
        Assert.That(suspended.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var (_, after) = await SendAsync(HttpMethod.Get, $"/api/v1/users/{id}");
        Assert.That(after!["status"]!.GetValue<string>(), Is.EqualTo("SUSPENDED"));
    }

    [Test]
    public async Task Faults_give_429_with_reset_and_500()
    {
        _server.Faults.RateLimitNextRequests = 1;
        var (limited, body) = await SendAsync(HttpMethod.Get, "/api/v1/groups");
        Assert.That(limited.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(body!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000047"));
        Assert.That(limited.Headers.GetValues("X-Rate-Limit-Remaining").Single(), Is.EqualTo("0"));
        _server.Faults.FailNextRequests = 1;
        var (failed, _) = await SendAsync(HttpMethod.Get, "/api/v1/groups");
        Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        var (ok, _) = await SendAsync(HttpMethod.Get, "/api/v1/groups");
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Log_polling_always_has_a_next_link()
    {
        var (response, _) = await SendAsync(HttpMethod.Get, "/api/v1/logs?limit=1000&after=1000");
        Assert.That(response.Headers.GetValues("Link").Any(l => l.Contains("rel=\"next\"", StringComparison.Ordinal)), Is.True);
    }
}
