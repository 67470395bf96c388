using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.Tests;

/// <summary>
/// <c>GET /api/v1/logs</c>: a bounded query (since and until) ends when its events are exhausted, a polling query always has a
/// next link, and every next link keeps the query it continues.
/// </summary>
public sealed class SystemLogQueryTests
{
    private const string Token = "00logs-token";
    private const int Events = 90;
    private OktaSandboxServer _server = null!;
    private SandboxClient _client = null!;
    private List<JsonObject> _all = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 10, SeedGroups = 3, SeedApps = 2, SeedLogEvents = Events });
        _client = new SandboxClient(_server.BaseAddress, Token);
        var (response, body) = await _client.GetAsync("/api/v1/logs?limit=1000");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        _all = body!.AsArray().Select(e => e!.AsObject()).ToList();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static DateTimeOffset Published(JsonObject e) => DateTimeOffset.Parse(e["published"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [Test]
    public void A_query_without_since_sees_the_seeded_events_of_the_last_7_days()
    {
        Assert.That(_all, Has.Count.EqualTo(Events));
        Assert.That(_all.Select(Published), Is.Ordered);
        Assert.That(Published(_all[0]), Is.GreaterThan(DateTimeOffset.UtcNow.AddDays(-7)));
    }

    [Test]
    public async Task A_bounded_query_ends_with_exactly_its_events_and_every_link_keeps_the_query()
    {
        var since = Published(_all[10]);
        var until = Published(_all[47]);
        var first = $"/api/v1/logs?since={Uri.EscapeDataString(Iso(since))}&until={Uri.EscapeDataString(Iso(until))}&limit=5";
        var (events, links) = await _client.AllPagesAsync(first, maxPages: 20);
        Assert.That(events.Select(e => e["uuid"]!.GetValue<string>()), Is.EqualTo(_all.Skip(10).Take(37).Select(e => e["uuid"]!.GetValue<string>())));
        Assert.That(links, Has.Count.EqualTo(7), "37 events in pages of 5: 8 pages, the last without a next link");
        foreach (var link in links)
        {
            var query = System.Web.HttpUtility.ParseQueryString(new Uri(link).Query);
            Assert.That((query["since"], query["until"], query["limit"]), Is.EqualTo((Iso(since), Iso(until), "5")), link);
            Assert.That(query["after"], Is.Not.Null.And.Not.Empty);
        }
    }

    [Test]
    public async Task A_bounded_query_whose_last_page_is_full_has_no_next_link()
    {
        var first = $"/api/v1/logs?since={Uri.EscapeDataString(Iso(Published(_all[0])))}&until={Uri.EscapeDataString(Iso(Published(_all[10])))}&limit=5";
        var (events, links) = await _client.AllPagesAsync(first, maxPages: 5);
        Assert.That(events, Has.Count.EqualTo(10));
        Assert.That(links, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_descending_query_is_bounded_and_keeps_its_sort_order()
    {
        var (events, links) = await _client.AllPagesAsync($"/api/v1/logs?sortOrder=DESCENDING&limit=40&since={Uri.EscapeDataString(Iso(Published(_all[5])))}", maxPages: 5);
        Assert.That(events.Select(e => e["uuid"]!.GetValue<string>()), Is.EqualTo(_all.Skip(5).Reverse().Select(e => e["uuid"]!.GetValue<string>())));
        Assert.That(links, Has.Count.EqualTo(2));
        Assert.That(links, Has.All.Contains("sortOrder=DESCENDING"));
    }

    [Test]
    public async Task A_polling_query_always_has_a_next_link_that_keeps_the_query()
    {
        var filter = "eventType eq \"user.session.start\"";
        string? next = "/api/v1/logs?limit=20&filter=" + Uri.EscapeDataString(filter);
        var seen = new List<JsonObject>();
        for (var page = 0; page < 4; page++)
        {
            var (response, body) = await _client.GetAsync(next!);
            seen.AddRange(body!.AsArray().Select(e => e!.AsObject()));
            next = SandboxClient.NextLink(response);
            Assert.That(next, Is.Not.Null, $"page {page} of a polling query has a next link");
            Assert.That(System.Web.HttpUtility.ParseQueryString(new Uri(next!).Query)["filter"], Is.EqualTo(filter));
        }
        Assert.That(seen.Select(e => e["uuid"]!.GetValue<string>()), Is.EqualTo(_all.Where(e => e["eventType"]!.GetValue<string>() == "user.session.start").Select(e => e["uuid"]!.GetValue<string>())));
    }

    [Test]
    public async Task Keywords_and_filters_select_events()
    {
        // Bounded (until a minute from now), so that the pages end.
        var until = "&until=" + Uri.EscapeDataString(Iso(DateTimeOffset.UtcNow.AddMinutes(1)));
        var (byKeyword, _) = await _client.AllPagesAsync("/api/v1/logs?limit=7&q=" + Uri.EscapeDataString("membership ADD") + until);
        Assert.That(byKeyword.Select(e => e["eventType"]!.GetValue<string>()), Has.All.EqualTo("group.user_membership.add"));
        Assert.That(byKeyword, Has.Count.EqualTo(Events / 3));
        var (notSso, _) = await _client.AllPagesAsync("/api/v1/logs?filter=" + Uri.EscapeDataString("not (eventType sw \"user.authentication\") and outcome.result eq \"SUCCESS\"") + until);
        Assert.That(notSso, Has.Count.EqualTo(Events - Events / 3));
    }

    [TestCase("since=yesterday", "E0000001")]
    [TestCase("until=2025-13-01T00:00:00Z", "E0000001")]
    [TestCase("since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z", "E0000001")]
    [TestCase("sortOrder=SIDEWAYS", "E0000001")]
    [TestCase("filter=eventType%20equals%20%22x%22", "E0000031")]
    [TestCase("after=not-a-cursor", "E0000001")]
    public async Task Invalid_parameters_are_400(string query, string code)
    {
        var (response, body) = await _client.GetAsync("/api/v1/logs?" + query);
        Assert.That(((int)response.StatusCode, body!["errorCode"]!.GetValue<string>()), Is.EqualTo((400, code)));
    }
}
