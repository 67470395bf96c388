using System.Net;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.Tests;

/// <summary><c>GET /api/v1/groups</c> and <c>/apps</c>: Okta's search, filter and q on them, and next links that keep the query.</summary>
public sealed class GroupAndAppQueryTests
{
    private const string Token = "00groups-token";
    private OktaSandboxServer _server = null!;
    private SandboxClient _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 20, SeedGroups = 25, SeedApps = 9, SeedLogEvents = 10 });
        _client = new SandboxClient(_server.BaseAddress, Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static string Text(JsonNode? node) => node?.GetValue<string>() ?? "";

    [Test]
    public async Task Group_search_pages_keep_the_search()
    {
        var (groups, links) = await _client.AllPagesAsync("/api/v1/groups?limit=3&search=" + Uri.EscapeDataString("profile.name sw \"group 1\""));
        Assert.That(groups.Select(g => Text(g["profile"]!["name"])).Order(), Is.EqualTo(Enumerable.Range(10, 10).Select(i => $"Group {i}")));
        Assert.That(links, Has.Count.EqualTo(3));
    }

    [TestCase("type eq \"BUILT_IN\"", 1)]
    [TestCase("type eq \"OKTA_GROUP\"", 24)]
    [TestCase("type eq \"okta_group\"", 0)]
    [TestCase("type eq \"OKTA_GROUP\" and lastUpdated lt \"2025-01-06T12:00:00.000Z\"", 2)]
    public async Task Group_filter(string filter, int count)
    {
        var (groups, _) = await _client.AllPagesAsync("/api/v1/groups?filter=" + Uri.EscapeDataString(filter));
        Assert.That(groups, Has.Count.EqualTo(count));
    }

    [TestCase("profile.name co \"roup 2\"", 5)]
    [TestCase("profile.description co \"group 2\"", 6)]
    [TestCase("id pr and created ge \"2025-01-06T09:00:00.000Z\"", 25)]
    public async Task Group_search(string search, int count)
    {
        var (groups, _) = await _client.AllPagesAsync("/api/v1/groups?search=" + Uri.EscapeDataString(search));
        Assert.That(groups, Has.Count.EqualTo(count));
    }

    [TestCase("groups", "filter", "profile.name eq \"Everyone\"")]
    [TestCase("groups", "search", "type co \"OKTA\"")]
    [TestCase("apps", "filter", "label eq \"Sandbox App 01\"")]
    [TestCase("apps", "filter", "name sw \"book\"")]
    public async Task Expressions_Okta_refuses_are_E0000031(string collection, string parameter, string expression)
    {
        var (response, body) = await _client.GetAsync($"/api/v1/{collection}?{parameter}=" + Uri.EscapeDataString(expression));
        Assert.That(((int)response.StatusCode, body!["errorCode"]!.GetValue<string>()), Is.EqualTo((400, "E0000031")));
    }

    [Test]
    public async Task Group_q_is_a_name_prefix_without_paging()
    {
        var (response, body) = await _client.GetAsync("/api/v1/groups?q=every&limit=1");
        Assert.That(body!.AsArray().Select(g => Text(g!["profile"]!["name"])), Is.EqualTo(new[] { "Everyone" }));
        Assert.That(SandboxClient.NextLink(response), Is.Null);
        var (_, none) = await _client.GetAsync("/api/v1/groups?q=veryone");
        Assert.That(none!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task App_filter_and_q()
    {
        var (bookmarks, _) = await _client.AllPagesAsync("/api/v1/apps?limit=2&filter=" + Uri.EscapeDataString("name eq \"bookmark\""));
        Assert.That(bookmarks.Select(a => Text(a["name"])), Has.All.EqualTo("bookmark"));
        Assert.That(bookmarks, Has.Count.EqualTo(4));
        var (byLabel, _) = await _client.AllPagesAsync("/api/v1/apps?q=" + Uri.EscapeDataString("sandbox app 0"));
        Assert.That(byLabel, Has.Count.EqualTo(9));
        var (byName, _) = await _client.AllPagesAsync("/api/v1/apps?q=oidc");
        Assert.That(byName.Select(a => Text(a["name"])), Has.All.EqualTo("oidc_client"));
        Assert.That(byName, Has.Count.EqualTo(5));
        var (inside, _) = await _client.AllPagesAsync("/api/v1/apps?q=app");
        Assert.That(inside, Is.Empty, "q is a prefix match");
    }

    [Test]
    public async Task Members_of_a_group_page_through_next_links()
    {
        var (groups, _) = await _client.AllPagesAsync("/api/v1/groups?filter=" + Uri.EscapeDataString("type eq \"BUILT_IN\""));
        var everyone = Text(groups.Single()["id"]);
        var (members, links) = await _client.AllPagesAsync($"/api/v1/groups/{everyone}/users?limit=6");
        Assert.That(members.Select(m => Text(m["id"])), Is.Unique);
        Assert.That(members, Has.Count.EqualTo(20));
        Assert.That(links, Has.Count.EqualTo(3));
        Assert.That(links, Has.All.Contains("limit=6"));
    }

    [Test]
    public async Task Responses_carry_Oktas_headers()
    {
        var (response, _) = await _client.GetAsync("/api/v1/groups?limit=2");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        foreach (var header in new[] { "X-Okta-Request-Id", "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "Link", "Date" })
            Assert.That(response.Headers.Contains(header), Is.True, header);
    }
}
