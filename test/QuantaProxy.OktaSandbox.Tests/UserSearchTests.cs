using System.Net;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.Tests;

/// <summary>
/// <c>GET /api/v1/users</c> as Okta's API description and Okta's Node.js SDK see it: the default listing and <c>q</c> leave out
/// DEPROVISIONED users; <c>search</c> and <c>filter</c> run Okta's expression language and include them; paging keeps the query.
/// </summary>
public sealed class UserSearchTests
{
    private const string Token = "00search-token";
    private OktaSandboxServer _server = null!;
    private SandboxClient _client = null!;
    private List<JsonObject> _everyone = null!;
    private string _deprovisionedId = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 120, SeedGroups = 12, SeedApps = 6, SeedLogEvents = 50 });
        _client = new SandboxClient(_server.BaseAddress, Token);
        var (created, user) = await _client.SendAsync(HttpMethod.Post, "/api/v1/users?activate=true",
            "{\"profile\":{\"firstName\":\"Gone\",\"lastName\":\"Away\",\"email\":\"gone.away@example.com\",\"login\":\"gone.away@example.com\",\"mobilePhone\":\"+1 555 0199\"}}");
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        _deprovisionedId = user!["id"]!.GetValue<string>();
        var (deactivated, _) = await _client.SendAsync(HttpMethod.Post, $"/api/v1/users/{_deprovisionedId}/lifecycle/deactivate");
        Assert.That(deactivated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // Every user, DEPROVISIONED included: what each expression below is checked against.
        (_everyone, _) = await _client.AllPagesAsync("/api/v1/users?search=" + Uri.EscapeDataString("id pr"));
        Assert.That(_everyone, Has.Count.EqualTo(121));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static string Text(JsonObject user, params string[] path)
    {
        JsonNode? node = user;
        foreach (var p in path) node = node?[p];
        return node?.GetValue<string>() ?? "";
    }

    [Test]
    public async Task The_default_listing_leaves_out_DEPROVISIONED_users()
    {
        var (users, _) = await _client.AllPagesAsync("/api/v1/users");
        Assert.That(users.Select(u => Text(u, "id")), Does.Not.Contain(_deprovisionedId));
        Assert.That(users, Has.Count.EqualTo(120));
        Assert.That(users.Select(u => Text(u, "status")), Has.None.EqualTo("DEPROVISIONED"));
    }

    [Test]
    public async Task Search_and_filter_include_DEPROVISIONED_users()
    {
        var (_, searched) = await _client.GetAsync("/api/v1/users?search=" + Uri.EscapeDataString("status eq \"DEPROVISIONED\""));
        Assert.That(searched!.AsArray().Select(u => u!["id"]!.GetValue<string>()), Is.EqualTo(new[] { _deprovisionedId }));
        var (_, filtered) = await _client.GetAsync("/api/v1/users?filter=" + Uri.EscapeDataString("status eq \"DEPROVISIONED\""));
        Assert.That(filtered!.AsArray().Select(u => u!["id"]!.GetValue<string>()), Is.EqualTo(new[] { _deprovisionedId }));
    }

    [Test]
    public async Task Search_by_login_returns_that_user_only()
    {
        var (response, body) = await _client.GetAsync("/api/v1/users?search=" + Uri.EscapeDataString("profile.login eq \"user0042@example.com\""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body!.AsArray().Select(u => u!["profile"]!["login"]!.GetValue<string>()), Is.EqualTo(new[] { "user0042@example.com" }));
        Assert.That(SandboxClient.NextLink(response), Is.Null);
    }

    private static IEnumerable<TestCaseData> Searches()
    {
        static TestCaseData Case(string expression, Func<JsonObject, bool> expected) => new TestCaseData(expression, expected).SetArgDisplayNames(expression);
        yield return Case("status eq \"STAGED\"", u => Text(u, "status") == "STAGED");
        yield return Case("status eq \"staged\"", u => Text(u, "status") == "STAGED");
        yield return Case("profile.login sw \"user001\"", u => Text(u, "profile", "login").StartsWith("user001", StringComparison.Ordinal));
        yield return Case("profile.firstName co \"IRST1\"", u => Text(u, "profile", "firstName").Contains("irst1", StringComparison.Ordinal));
        yield return Case("profile.lastName eq \"last7\"", u => Text(u, "profile", "lastName") == "Last7");
        yield return Case("created gt \"2025-01-06T10:00:00.000Z\"", u => DateTimeOffset.Parse(Text(u, "created"), System.Globalization.CultureInfo.InvariantCulture) > new DateTimeOffset(2025, 1, 6, 10, 0, 0, TimeSpan.Zero));
        yield return Case("created ge \"2025-01-06T09:10:00Z\" and created lt \"2025-01-06T11:20:00+02:00\"", u =>
        {
            var at = DateTimeOffset.Parse(Text(u, "created"), System.Globalization.CultureInfo.InvariantCulture);
            return at >= new DateTimeOffset(2025, 1, 6, 9, 10, 0, TimeSpan.Zero) && at < new DateTimeOffset(2025, 1, 6, 9, 20, 0, TimeSpan.Zero);
        });
        yield return Case("(status lt \"STAGED\" or status gt \"STAGED\")", u => Text(u, "status") != "STAGED");
        yield return Case("status eq \"SUSPENDED\" and (profile.firstName sw \"First1\" or profile.firstName sw \"First3\")", u =>
            Text(u, "status") == "SUSPENDED" && (Text(u, "profile", "firstName").StartsWith("First1", StringComparison.Ordinal) || Text(u, "profile", "firstName").StartsWith("First3", StringComparison.Ordinal)));
        yield return Case("status eq \"ACTIVE\" or status eq \"STAGED\" and profile.login sw \"user000\"", u =>
            Text(u, "status") == "ACTIVE" || (Text(u, "status") == "STAGED" && Text(u, "profile", "login").StartsWith("user000", StringComparison.Ordinal)));
        yield return Case("profile.mobilePhone pr", u => Text(u, "profile", "mobilePhone").Length > 0);
        yield return Case("type.id eq \"oty1sandboxdefault000\"", _ => true);
        yield return Case("lastUpdated lt \"2000-01-01T00:00:00.000Z\"", _ => false);
        yield return Case("profile.department eq \"Engineering\"", _ => false);
        yield return Case("STATUS EQ \"ACTIVE\" AND profile.login SW \"user01\"", _ => false);
    }

    [TestCaseSource(nameof(Searches))]
    public async Task A_search_returns_exactly_the_users_it_describes(string expression, Func<JsonObject, bool> expected)
    {
        // Property names are case-sensitive, operators are not: STATUS is no attribute, and that is an invalid search.
        if (expression.StartsWith("STATUS", StringComparison.Ordinal))
        {
            var (refused, error) = await _client.GetAsync("/api/v1/users?search=" + Uri.EscapeDataString(expression));
            Assert.That(((int)refused.StatusCode, error!["errorCode"]!.GetValue<string>()), Is.EqualTo((400, "E0000031")));
            return;
        }
        var (users, _) = await _client.AllPagesAsync("/api/v1/users?limit=7&search=" + Uri.EscapeDataString(expression));
        var want = _everyone.Where(expected).Select(u => Text(u, "id")).ToList();
        Assert.That(users.Select(u => Text(u, "id")), Is.EqualTo(want));
    }

    [Test]
    public async Task Search_by_id_finds_that_user()
    {
        var id = Text(_everyone[17], "id");
        var (_, body) = await _client.GetAsync("/api/v1/users?search=" + Uri.EscapeDataString($"id eq \"{id}\""));
        Assert.That(body!.AsArray().Select(u => u!["id"]!.GetValue<string>()), Is.EqualTo(new[] { id }));
    }

    [Test]
    public async Task Every_next_link_of_a_search_keeps_the_search_and_the_pages_end()
    {
        var search = "status eq \"ACTIVE\"";
        var (users, links) = await _client.AllPagesAsync("/api/v1/users?limit=10&search=" + Uri.EscapeDataString(search));
        Assert.That(users.Select(u => Text(u, "status")), Has.All.EqualTo("ACTIVE"));
        Assert.That(users.Select(u => Text(u, "id")), Is.Unique);
        Assert.That(users, Has.Count.EqualTo(_everyone.Count(u => Text(u, "status") == "ACTIVE")));
        Assert.That(links, Is.Not.Empty);
        foreach (var link in links)
        {
            var query = System.Web.HttpUtility.ParseQueryString(new Uri(link).Query);
            Assert.That((query["search"], query["limit"], query["after"] is null), Is.EqualTo((search, "10", false)), link);
        }
    }

    [TestCase("status eq \"ACTIVE\"", "ACTIVE")]
    [TestCase("status eq \"active\"", null)]
    [TestCase("profile.login eq \"user0003@example.com\" or profile.login eq \"user0004@example.com\"", "two")]
    public async Task Filter_compares_values_case_sensitively(string filter, string? expected)
    {
        var (users, _) = await _client.AllPagesAsync("/api/v1/users?filter=" + Uri.EscapeDataString(filter));
        if (expected is null) Assert.That(users, Is.Empty);
        else if (expected == "two") Assert.That(users.Select(u => Text(u, "profile", "login")).Order(), Is.EqualTo(new[] { "user0003@example.com", "user0004@example.com" }));
        else
        {
            Assert.That(users.Select(u => Text(u, "status")), Has.All.EqualTo(expected));
            Assert.That(users, Has.Count.EqualTo(_everyone.Count(u => Text(u, "status") == expected)));
        }
    }

    [Test]
    public async Task q_is_a_prefix_of_a_name_or_email_with_10_users_and_no_next_link()
    {
        var (response, body) = await _client.GetAsync("/api/v1/users?q=first1");
        var names = body!.AsArray().Select(u => u!["profile"]!["firstName"]!.GetValue<string>()).ToList();
        Assert.That(names, Has.Count.EqualTo(10));
        Assert.That(names, Has.All.StartsWith("First1"));
        Assert.That(SandboxClient.NextLink(response), Is.Null, "Okta does not page q");
        var (_, gone) = await _client.GetAsync("/api/v1/users?q=gone");
        Assert.That(gone!.AsArray(), Is.Empty, "q leaves out DEPROVISIONED users");
        var (_, middle) = await _client.GetAsync("/api/v1/users?q=irst1");
        Assert.That(middle!.AsArray(), Is.Empty, "q matches prefixes, not substrings");
    }

    [TestCase("search", "profile.login eq")]
    [TestCase("search", "profile.login eq user0001@example.com")]
    [TestCase("search", "status ne \"ACTIVE\"")]
    [TestCase("search", "profile.department co \"Eng\"")]
    [TestCase("search", "(status eq \"ACTIVE\"")]
    [TestCase("search", "status eq \"ACTIVE\")")]
    [TestCase("search", "status eq \"ACTIVE")]
    [TestCase("search", "unknown eq \"x\"")]
    [TestCase("search", "lastUpdated gt \"yesterday\"")]
    [TestCase("search", "not (status eq \"ACTIVE\")")]
    [TestCase("search", "status eq \"ACTIVE\" and")]
    [TestCase("search", "status eq \"ACTIVE\" xor status eq \"STAGED\"")]
    [TestCase("search", "status = \"ACTIVE\"")]
    [TestCase("search", "")]
    [TestCase("filter", "profile.login sw \"user\"")]
    [TestCase("filter", "profile.mobilePhone eq \"1\"")]
    [TestCase("filter", "created gt \"2025-01-01T00:00:00.000Z\"")]
    [TestCase("filter", "status gt \"A\"")]
    public async Task An_expression_Okta_cannot_run_is_400_E0000031(string parameter, string expression)
    {
        var (response, body) = await _client.GetAsync($"/api/v1/users?{parameter}=" + Uri.EscapeDataString(expression));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000031"));
        Assert.That(body["errorSummary"]!.GetValue<string>(), Is.EqualTo("Invalid search criteria."));
        Assert.That(body.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "errorCode", "errorSummary", "errorLink", "errorId", "errorCauses" }));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
    }

    [Test]
    public async Task Hostile_expressions_are_refused_quickly()
    {
        var hostile = new[]
        {
            new string('(', 700) + "status eq \"ACTIVE\"" + new string(')', 700),
            string.Join(" or ", Enumerable.Repeat("status eq \"ACTIVE\"", 200)),
            "profile.login eq \"" + new string('a', 3000) + "\"",
            "profile.login sw \"" + new string('\\', 1501) + "\"",
            new string('(', 100) + "status eq \"ACTIVE\"" + new string(')', 100),
            string.Join(" or ", Enumerable.Repeat("id pr", 70)),
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var expression in hostile)
        {
            var (response, body) = await _client.GetAsync("/api/v1/users?search=" + Uri.EscapeDataString(expression));
            Assert.That(((int)response.StatusCode, body?["errorCode"]?.GetValue<string>()), Is.EqualTo((400, "E0000031")), expression[..40]);
        }
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }
}
