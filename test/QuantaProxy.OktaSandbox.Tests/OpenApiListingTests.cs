using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace QuantaProxy.OktaSandbox.Tests;

/// <summary>
/// What Okta's OpenAPI description says about listing defaults, search and filter, and System Log paging, read from the
/// description itself and checked against the sandbox: if Okta's wording changes, these tests say which promise moved.
/// </summary>
public sealed partial class OpenApiListingTests
{
    private const string Token = "00openapi-token";
    private static readonly Lazy<OktaSchema> Schema = new(OktaSchema.Load);
    private OktaSandboxServer _server = null!;
    private SandboxClient _client = null!;

    private DateTimeOffset _startedAt;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 230, SeedGroups = 5, SeedApps = 3, SeedLogEvents = 150 });
        _startedAt = DateTimeOffset.UtcNow;
        _client = new SandboxClient(_server.BaseAddress, Token);
        var (created, user) = await _client.SendAsync(HttpMethod.Post, "/api/v1/users",
            "{\"profile\":{\"firstName\":\"Deprovisioned\",\"lastName\":\"User\",\"email\":\"deprovisioned@example.com\",\"login\":\"deprovisioned@example.com\"}}");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await _client.SendAsync(HttpMethod.Post, $"/api/v1/users/{user!["id"]}/lifecycle/deactivate");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>The back-quoted names in the rest of the sentence of <paramref name="text"/> that starts with <paramref name="lead"/>.</summary>
    private static List<string> Named(string text, string lead)
    {
        var at = text.IndexOf(lead, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"Okta's description no longer says \"{lead}\"");
        var sentence = text[(at + lead.Length)..];
        var end = new[] { sentence.IndexOf(". ", StringComparison.Ordinal), sentence.IndexOf(".\n", StringComparison.Ordinal) }.Where(i => i >= 0).DefaultIfEmpty(sentence.Length).Min();
        sentence = sentence[..end];
        return Quoted().Matches(sentence).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex("`([A-Za-z.]+)`")]
    private static partial Regex Quoted();

    private async Task<List<JsonObject>> ItemsAsync(string pathAndQuery)
    {
        var (response, body) = await _client.GetAsync(pathAndQuery);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
        return body!.AsArray().Select(i => i!.AsObject()).ToList();
    }

    [Test]
    public async Task Listing_users_omits_DEPROVISIONED_users_and_search_and_filter_return_them_as_described()
    {
        Assert.That(Schema.Value.OperationDescription("/api/v1/users", "get"), Does.Contain("omits users that have a status of `DEPROVISIONED`"));
        Assert.That(Schema.Value.Parameter("/api/v1/users", "get", "q").Description, Does.Contain("omits users that have a status of `DEPROVISIONED`"));
        Assert.That(Schema.Value.Parameter("/api/v1/users", "get", "search").Description, Does.Contain("Returned users include those with the `DEPROVISIONED` status"));
        Assert.That(Schema.Value.Parameter("/api/v1/users", "get", "filter").Description, Does.Contain("Returned users include those with the `DEPROVISIONED` status"));

        var (listed, _) = await _client.AllPagesAsync("/api/v1/users");
        Assert.That(listed.Select(u => u["status"]!.GetValue<string>()), Has.None.EqualTo("DEPROVISIONED"));
        Assert.That(await ItemsAsync("/api/v1/users?q=deprovisioned"), Is.Empty);
        foreach (var parameter in new[] { "search", "filter" })
        {
            var found = await ItemsAsync($"/api/v1/users?{parameter}=" + Uri.EscapeDataString("status eq \"DEPROVISIONED\""));
            Assert.That(found.Select(u => u["profile"]!["login"]!.GetValue<string>()), Is.EqualTo(new[] { "deprovisioned@example.com" }), parameter);
        }
    }

    [Test]
    public async Task The_user_limits_are_the_described_defaults()
    {
        var limit = Schema.Value.Parameter("/api/v1/users", "get", "limit");
        Assert.That(limit.Default, Is.EqualTo("200"));
        Assert.That(limit.Description, Does.Contain("Defaults to 10 if `q` is provided"));
        Assert.That(await ItemsAsync("/api/v1/users"), Has.Count.EqualTo(200));
        var (response, body) = await _client.GetAsync("/api/v1/users?q=First");
        Assert.That(body!.AsArray(), Has.Count.EqualTo(10));
        Assert.That(Schema.Value.Parameter("/api/v1/users", "get", "q").Description, Does.Contain("doesn't support pagination"));
        Assert.That(SandboxClient.NextLink(response), Is.Null);
    }

    private static string Probe(string property) => property switch
    {
        "lastUpdated" or "lastMembershipUpdated" or "created" => $"{property} gt \"2020-01-01T00:00:00.000Z\"",
        "settings.slo.enabled" => $"{property} eq true",
        _ => $"{property} eq \"x\"",
    };

    [TestCase("/api/v1/users", "filter", "Filtering supports the following limited number of properties:", "profile.mobilePhone")]
    [TestCase("/api/v1/groups", "filter", "Filtering supports the following limited number of properties:", "profile.name")]
    [TestCase("/api/v1/apps", "filter", "Filtering supports the following limited number of properties:", "label")]
    public async Task Filter_accepts_the_described_properties_and_refuses_others(string path, string parameter, string lead, string other)
    {
        var properties = Named(Schema.Value.Parameter(path, "get", parameter).Description, lead);
        Assert.That(properties, Is.Not.Empty);
        foreach (var property in properties)
        {
            var (response, body) = await _client.GetAsync($"{path}?{parameter}=" + Uri.EscapeDataString(Probe(property)));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{property}: {body?.ToJsonString()}");
        }
        var (refused, error) = await _client.GetAsync($"{path}?{parameter}=" + Uri.EscapeDataString(Probe(other)));
        Assert.That(((int)refused.StatusCode, error!["errorCode"]!.GetValue<string>()), Is.EqualTo((400, "E0000031")), other);
    }

    [TestCase("/api/v1/users", "You can only use `co` with these select user profile attributes:", "profile.nickName")]
    [TestCase("/api/v1/groups", "You can only use `co` with these select profile attributes:", "profile.samAccountName")]
    public async Task Search_allows_co_only_on_the_described_attributes(string path, string lead, string other)
    {
        var attributes = Named(Schema.Value.Parameter(path, "get", "search").Description, lead);
        Assert.That(attributes, Has.Count.GreaterThanOrEqualTo(2));
        foreach (var attribute in attributes)
        {
            var (response, body) = await _client.GetAsync($"{path}?search=" + Uri.EscapeDataString($"{attribute} co \"a\""));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{attribute}: {body?.ToJsonString()}");
        }
        var (refused, error) = await _client.GetAsync($"{path}?search=" + Uri.EscapeDataString($"{other} co \"a\""));
        Assert.That(((int)refused.StatusCode, error!["errorCode"]!.GetValue<string>()), Is.EqualTo((400, "E0000031")));
        var (sw, _) = await _client.GetAsync($"{path}?search=" + Uri.EscapeDataString($"{other} sw \"a\""));
        Assert.That(sw.StatusCode, Is.EqualTo(HttpStatusCode.OK), "sw is allowed on any profile attribute");
    }

    [Test]
    public async Task User_search_refuses_ne_as_described()
    {
        Assert.That(Schema.Value.Parameter("/api/v1/users", "get", "search").Description, Does.Contain("The `ne` (not equal) operator isn't supported"));
        var (refused, _) = await _client.GetAsync("/api/v1/users?search=" + Uri.EscapeDataString("status ne \"STAGED\""));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var instead = await ItemsAsync("/api/v1/users?limit=200&search=" + Uri.EscapeDataString("(status lt \"STAGED\" or status gt \"STAGED\")"));
        Assert.That(instead.Select(u => u["status"]!.GetValue<string>()), Has.None.EqualTo("STAGED").And.Not.Empty);
    }

    [Test]
    public async Task The_System_Log_has_the_described_default_limit_sort_orders_and_next_links()
    {
        Assert.That(Schema.Value.Parameter("/api/v1/logs", "get", "limit").Default, Is.EqualTo("100"));
        Assert.That(Schema.Value.Parameter("/api/v1/logs", "get", "since").Default, Is.EqualTo("7 days prior to until"));
        Assert.That(Schema.Value.Parameter("/api/v1/logs", "get", "after").Description, Does.Contain("`rel=next`"));
        Assert.That(Schema.Value.Parameter("/api/v1/logs", "get", "sortOrder").Default, Is.EqualTo("ASCENDING"));
        var (polling, events) = await _client.GetAsync("/api/v1/logs");
        Assert.That(events!.AsArray(), Has.Count.EqualTo(100));
        Assert.That(SandboxClient.NextLink(polling), Is.Not.Null);
        // Bounded by the fixture's start: other tests here change users, and each change is a System Log event too.
        var until = Uri.EscapeDataString(_startedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var order in new[] { "ASCENDING", "DESCENDING" })
        {
            var (all, links) = await _client.AllPagesAsync($"/api/v1/logs?sortOrder={order}&until={until}", maxPages: 5);
            Assert.That(all, Has.Count.EqualTo(150), order);
            Assert.That(links, Has.Count.EqualTo(1), $"{order}: 100 and then 50, with no next link after the last page");
        }
        var (sideways, _) = await _client.GetAsync("/api/v1/logs?sortOrder=SIDEWAYS");
        Assert.That(sideways.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
