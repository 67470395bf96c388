using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Proxy;

/// <summary>
/// next_cursor continues exactly the query it came from, through the gateway against the sandbox: a bounded System Log
/// query keeps since/until/filter/sort order to its end, a user search keeps its search; a cursor is refused (400,
/// proxy.denied) for another operation, integration or tenant, when altered, or with members that contradict it.
/// </summary>
public sealed class CursorContinuationTests
{
    private const string Token = "00cursor-token";
    private OktaSandboxServer _okta = null!;
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private string _bundle = null!;
    private string _integration = null!;
    private string _otherIntegration = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 120, SeedLogEvents = 300 });
        _host = await GatewayHost.StartAsync();
        _tenant = await TenantSession.CreateAsync(_host, "cursors");
        _bundle = await _tenant.BundleJsonAsync(_host);
        _integration = await IntegrationAsync(_tenant);
        _otherIntegration = await IntegrationAsync(_tenant);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _okta.DisposeAsync();
    }

    private async Task<string> IntegrationAsync(TenantSession tenant)
    {
        var credential = await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "api_key", name = "okta", secret = new { token = Token } });
        var integration = await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", tenant.ApiKey, new
        {
            system_type = "okta", name = "cursors", okta_domain = _okta.BaseAddress.ToString().TrimEnd('/'),
            credential_id = credential["credential_id"]!.GetValue<string>(), allowed_operations = new[] { "list_users", "list_groups", "get_system_log" },
        });
        return integration["integration_id"]!.GetValue<string>();
    }

    private async Task<(HttpStatusCode Status, JsonNode Answer)> CallAsync(string integration, string operation, object payload, TenantSession? tenant = null, string? bundle = null)
    {
        tenant ??= _tenant;
        using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", tenant.ApiKey, new { integration_id = integration, operation, payload });
        using var response = await _host.Client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK) return (response.StatusCode, JsonNode.Parse(bytes)!);
        return (response.StatusCode, JsonNode.Parse(EnvelopeTestOpener.Open(bundle ?? _bundle, bytes, response.Headers.GetValues("X-Request-Id").Single()))!);
    }

    private async Task<JsonNode> OkAsync(string operation, object payload)
    {
        var (status, answer) = await CallAsync(_integration, operation, payload);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), answer.ToJsonString());
        Assert.That(answer["status"]!.GetValue<int>(), Is.EqualTo(200), answer.ToJsonString());
        return answer;
    }

    /// <summary>Every page, sending only the cursor after the first call; the items and the number of pages.</summary>
    private async Task<(List<JsonObject> Items, int Pages)> FollowAsync(string operation, object first)
    {
        var items = new List<JsonObject>();
        var answer = await OkAsync(operation, first);
        var pages = 1;
        while (true)
        {
            items.AddRange(answer["body"]!.AsArray().Select(i => i!.AsObject()));
            if (answer["next_cursor"]?.GetValue<string>() is not { } cursor) break;
            Assert.That(cursor, Does.StartWith("qpc1."));
            Assert.That(pages, Is.LessThan(100), "the listing ends");
            answer = await OkAsync(operation, new { cursor });
            pages++;
        }
        return (items, pages);
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private async Task<List<JsonObject>> DirectAsync(string pathAndQuery)
    {
        using var client = new HttpClient { BaseAddress = _okta.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("SSWS", Token);
        var all = new List<JsonObject>();
        string? next = pathAndQuery;
        while (next is not null)
        {
            using var response = await client.GetAsync(next);
            all.AddRange(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Select(i => i!.AsObject()));
            next = response.Headers.TryGetValues("Link", out var links)
                ? links.Select(l => l.Split(';')).Where(p => p.Skip(1).Any(a => a.Trim() == "rel=\"next\"")).Select(p => p[0].Trim().Trim('<', '>')).FirstOrDefault()
                : null;
        }
        return all;
    }

    [Test]
    public async Task A_bounded_System_Log_query_keeps_since_until_filter_and_sort_order_to_its_end()
    {
        var now = DateTimeOffset.UtcNow;
        var since = Time(now.AddMinutes(-150));
        var until = Time(now.AddMinutes(-30));
        const string filter = "eventType eq \"user.session.start\"";
        var (events, pages) = await FollowAsync("get_system_log", new { since, until, filter, sort_order = "DESCENDING", limit = 7 });

        var expected = await DirectAsync($"/api/v1/logs?since={since}&until={until}&filter={Uri.EscapeDataString(filter)}&sortOrder=DESCENDING&limit=1000");
        Assert.That(expected, Has.Count.GreaterThan(14), "enough events for several pages");
        Assert.That(events.Select(e => e["uuid"]!.GetValue<string>()), Is.EqualTo(expected.Select(e => e["uuid"]!.GetValue<string>())), "the same events in the same order");
        Assert.That(pages, Is.EqualTo((expected.Count + 6) / 7));
        Assert.That(events.Select(e => e["eventType"]!.GetValue<string>()), Is.All.EqualTo("user.session.start"));
        var published = events.Select(e => DateTimeOffset.Parse(e["published"]!.GetValue<string>(), CultureInfo.InvariantCulture)).ToList();
        Assert.That(published, Is.Ordered.Descending);
        Assert.That(published, Is.All.InRange(DateTimeOffset.Parse(since, CultureInfo.InvariantCulture), DateTimeOffset.Parse(until, CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task A_user_search_keeps_its_search_and_a_cursor_sent_as_after_still_works()
    {
        const string search = "status eq \"ACTIVE\" and profile.lastName sw \"Last1\"";
        var (users, pages) = await FollowAsync("list_users", new { search, limit = 4 });
        var expected = await DirectAsync("/api/v1/users?search=" + Uri.EscapeDataString(search) + "&limit=200");
        Assert.That(users.Select(u => u["id"]!.GetValue<string>()), Is.EqualTo(expected.Select(u => u["id"]!.GetValue<string>())));
        Assert.That(pages, Is.GreaterThan(2));

        // Before cursors, next_cursor was Okta's after and went back as after: that still continues the query.
        var first = await OkAsync("list_users", new { search, limit = 4 });
        var second = await OkAsync("list_users", new { after = first["next_cursor"]!.GetValue<string>() });
        Assert.That(second["body"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()), Is.EqualTo(expected.Skip(4).Take(4).Select(u => u["id"]!.GetValue<string>())));
    }

    [Test]
    public async Task Members_that_agree_with_the_cursor_are_accepted_and_contradicting_ones_are_cursor_conflict()
    {
        var first = await OkAsync("list_users", new { filter = "status eq \"ACTIVE\"", limit = 3 });
        var cursor = first["next_cursor"]!.GetValue<string>();
        var agreeing = await OkAsync("list_users", new { cursor, filter = "status eq \"ACTIVE\"", limit = 3 });
        Assert.That(agreeing["body"]!.AsArray(), Has.Count.EqualTo(3));
        foreach (var payload in new object[] { new { cursor, filter = "status eq \"SUSPENDED\"" }, new { cursor, limit = 50 }, new { cursor, search = "status eq \"ACTIVE\"" } })
        {
            var (status, problem) = await CallAsync(_integration, "list_users", payload);
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
            Assert.That(problem["code"]!.GetValue<string>(), Is.EqualTo("cursor_conflict"));
            Assert.That(problem["field"]!.GetValue<string>(), Does.StartWith("payload."));
        }
        var (both, bothProblem) = await CallAsync(_integration, "list_users", new { cursor, after = cursor });
        Assert.That(both, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(bothProblem["code"]!.GetValue<string>(), Is.EqualTo("invalid_payload"));
    }

    [Test]
    public async Task A_cursor_is_refused_for_another_operation_integration_or_tenant_and_when_altered()
    {
        var groups = await OkAsync("list_groups", new { limit = 2 });
        var groupCursor = groups["next_cursor"]!.GetValue<string>();
        var users = await OkAsync("list_users", new { limit = 2 });
        var userCursor = users["next_cursor"]!.GetValue<string>();
        Assert.That((await OkAsync("list_groups", new { cursor = groupCursor }))["body"]!.AsArray(), Has.Count.EqualTo(2));

        var other = await TenantSession.CreateAsync(_host, "cursor-thief");
        var otherIntegration = await IntegrationAsync(other);
        var dot = userCursor.LastIndexOf('.');
        var payloadPart = userCursor[5..dot];
        var flipped = (payloadPart[0] == 'A' ? 'B' : 'A') + payloadPart[1..];
        var altered = new[]
        {
            (_integration, "list_users", groupCursor, _tenant),            // another operation
            (_otherIntegration, "list_users", userCursor, _tenant),        // another integration of the tenant
            (otherIntegration, "list_users", userCursor, other),           // another tenant
            (_integration, "list_users", "qpc1." + flipped + userCursor[dot..], _tenant), // query altered
            (_integration, "list_users", userCursor[..^2] + (userCursor[^2] == 'A' ? "B" : "A") + userCursor[^1], _tenant), // tag altered
            (_integration, "list_users", "qpc1.not-a-cursor", _tenant),
        };
        var received = _okta.Stats.Requests;
        foreach (var (integration, operation, cursor, tenant) in altered)
        {
            var (status, problem) = await CallAsync(integration, operation, new { cursor }, tenant);
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToJsonString());
            Assert.That(problem["code"]!.GetValue<string>(), Is.EqualTo("invalid_cursor"));
            Assert.That(problem["field"]!.GetValue<string>(), Is.EqualTo("payload.cursor"));
            Assert.That(problem.ToJsonString(), Does.Not.Contain(cursor[5..15]), "the cursor is not echoed");
        }
        Assert.That(_okta.Stats.Requests, Is.EqualTo(received), "nothing reached Okta");
        var denied = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=proxy.denied&limit=100", _tenant.ApiKey);
        Assert.That(denied["events"]!.AsArray().Count(e => e!["outcome"]!.GetValue<string>() == "invalid_cursor"), Is.EqualTo(5));
        var deniedOther = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=proxy.denied&limit=100", other.ApiKey);
        Assert.That(deniedOther["events"]!.AsArray().Select(e => e!["outcome"]!.GetValue<string>()), Does.Contain("invalid_cursor"));
    }
}
