using System.Net;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.Tests;

/// <summary>
/// The governance reads: every listing answers items with only the properties Okta's schema declares, each item can be
/// read by id, the listings Okta pages follow Link next with the query kept, and the policy listing needs its type.
/// </summary>
public sealed class GovernanceApiTests
{
    private const string Token = "00governance-token";
    private static readonly Lazy<OktaSchema> Schema = new(OktaSchema.Load);
    private OktaSandboxServer _server = null!;
    private SandboxClient _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var options = new SandboxOptions { ApiTokens = { Token }, SeedUsers = 40, SeedGroups = 8, SeedApps = 4, SeedLogEvents = 10 };
        options.ServiceApps.Add(new SandboxServiceApp { ClientId = "0oagovernance", Keys = { TestKey.EcP256("gov-1").PublicJwk() } });
        _server = await OktaSandboxServer.StartAsync(options);
        _client = new SandboxClient(_server.BaseAddress, Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<JsonArray> ArrayAsync(string pathAndQuery)
    {
        var (response, body) = await _client.GetAsync(pathAndQuery);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{pathAndQuery}: {body?.ToJsonString()}");
        return body!.AsArray();
    }

    private static void AssertDeclared(JsonNode item, params string[] schemas)
    {
        var declared = schemas.SelectMany(s => Schema.Value.Properties(s)).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, _) in item.AsObject())
            Assert.That(declared, Does.Contain(name), $"{string.Join("/", schemas)}.{name} is not in Okta's schema");
    }

    [TestCase("/api/v1/policies?type=OKTA_SIGN_ON", "/api/v1/policies/{0}", "Policy")]
    [TestCase("/api/v1/trustedOrigins?limit=200", "/api/v1/trustedOrigins/{0}", "TrustedOrigin")]
    [TestCase("/api/v1/groups/rules", "/api/v1/groups/rules/{0}", "GroupRule")]
    [TestCase("/api/v1/zones", "/api/v1/zones/{0}", "NetworkZone", "IPNetworkZone")]
    [TestCase("/api/v1/idps", "/api/v1/idps/{0}", "IdentityProvider")]
    [TestCase("/api/v1/authenticators", "/api/v1/authenticators/{0}", "AuthenticatorBase")]
    [TestCase("/api/v1/authorizationServers", "/api/v1/authorizationServers/{0}", "AuthorizationServer")]
    [TestCase("/api/v1/eventHooks", "/api/v1/eventHooks/{0}", "EventHook")]
    public async Task Listings_and_reads_have_Oktas_shapes(string list, string get, params string[] schemas)
    {
        var items = await ArrayAsync(list);
        if (list != "/api/v1/eventHooks") Assert.That(items, Is.Not.Empty, list);
        foreach (var item in items)
        {
            AssertDeclared(item!, schemas);
            var (response, one) = await _client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, get, item!["id"]!.GetValue<string>()));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(one!["id"]!.GetValue<string>(), Is.EqualTo(item["id"]!.GetValue<string>()));
        }
        var (missing, error) = await _client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, get, "nothere0000000000000"));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(error!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000007"));
    }

    [Test]
    public async Task Role_assignments_of_users_groups_and_clients_custom_roles_and_resource_sets()
    {
        var users = await ArrayAsync("/api/v1/users?limit=5");
        var roles = await ArrayAsync($"/api/v1/users/{users[0]!["id"]}/roles");
        Assert.That(roles.Select(r => r!["type"]!.GetValue<string>()), Is.EqualTo(new[] { "SUPER_ADMIN" }));
        AssertDeclared(roles[0]!, "StandardRole");
        var (one, assignment) = await _client.GetAsync($"/api/v1/users/{users[0]!["id"]}/roles/{roles[0]!["id"]}");
        Assert.That(one.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(assignment!["assignmentType"]!.GetValue<string>(), Is.EqualTo("USER"));
        var custom = await ArrayAsync($"/api/v1/users/{users[3]!["id"]}/roles");
        Assert.That(custom.Single()!["type"]!.GetValue<string>(), Is.EqualTo("CUSTOM"));
        AssertDeclared(custom[0]!, "CustomRole");

        var groups = await ArrayAsync("/api/v1/groups?limit=2");
        var groupRoles = await ArrayAsync($"/api/v1/groups/{groups[1]!["id"]}/roles");
        Assert.That(groupRoles.Single()!["assignmentType"]!.GetValue<string>(), Is.EqualTo("GROUP"));
        var clientRoles = await ArrayAsync("/oauth2/v1/clients/0oagovernance/roles");
        Assert.That(clientRoles.Single()!["assignmentType"]!.GetValue<string>(), Is.EqualTo("CLIENT"));
        var (noClient, _) = await _client.GetAsync("/oauth2/v1/clients/0oanobody/roles");
        Assert.That(noClient.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        foreach (var (path, member, schema) in new[] { ("/api/v1/iam/roles", "roles", "IamRole"), ("/api/v1/iam/resource-sets", "resource-sets", "ResourceSet") })
        {
            var (response, body) = await _client.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            AssertDeclared(body!, schema == "IamRole" ? "IamRoles" : "ResourceSets");
            var first = body![member]!.AsArray()[0]!;
            AssertDeclared(first, schema);
            var (byLabel, read) = await _client.GetAsync($"{path}/{Uri.EscapeDataString(first["label"]!.GetValue<string>())}");
            Assert.That(byLabel.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(read!["id"]!.GetValue<string>(), Is.EqualTo(first["id"]!.GetValue<string>()));
        }
    }

    [Test]
    public async Task Policies_need_a_type_and_have_rules()
    {
        var (missing, error) = await _client.GetAsync("/api/v1/policies");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(error!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000001"));
        var password = await ArrayAsync("/api/v1/policies?type=PASSWORD&status=ACTIVE");
        Assert.That(password.Select(p => p!["type"]!.GetValue<string>()), Is.All.EqualTo("PASSWORD"));
        Assert.That(password.Select(p => p!["status"]!.GetValue<string>()), Is.All.EqualTo("ACTIVE"));
        var rules = await ArrayAsync($"/api/v1/policies/{password[0]!["id"]}/rules");
        Assert.That(rules, Has.Count.EqualTo(2));
        foreach (var rule in rules) AssertDeclared(rule!, "PolicyRule");
        var serverPolicies = await ArrayAsync("/api/v1/authorizationServers/default/policies");
        AssertDeclared(serverPolicies.Single()!, "AuthorizationServerPolicy");
    }

    [Test]
    public async Task Grants_of_apps_and_users()
    {
        var apps = await ArrayAsync("/api/v1/apps");
        var grants = await ArrayAsync($"/api/v1/apps/{apps[0]!["id"]}/grants");
        Assert.That(grants, Is.Not.Empty);
        foreach (var grant in grants) AssertDeclared(grant!, "OAuth2ScopeConsentGrant");
        Assert.That(grants[0]!["issuer"]!.GetValue<string>(), Is.EqualTo(_server.BaseAddress.ToString().TrimEnd('/')));
        var users = await ArrayAsync("/api/v1/users?limit=1");
        var (items, links) = await _client.AllPagesAsync($"/api/v1/users/{users[0]!["id"]}/grants?limit=1&scopeId=profile");
        Assert.That(items.Select(g => g["scopeId"]!.GetValue<string>()), Is.EqualTo(new[] { "profile" }));
        var (all, pages) = await _client.AllPagesAsync($"/api/v1/users/{users[0]!["id"]}/grants?limit=2");
        Assert.That(all, Has.Count.EqualTo(3));
        Assert.That(pages, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Paged_listings_keep_their_query_in_next_links()
    {
        var (origins, links) = await _client.AllPagesAsync("/api/v1/trustedOrigins?q=sandbox&limit=10");
        Assert.That(origins, Has.Count.EqualTo(25));
        Assert.That(links, Has.Count.EqualTo(2));
        Assert.That(links, Has.All.Contain("q=sandbox"));
        var (rules, ruleLinks) = await _client.AllPagesAsync("/api/v1/groups/rules?search=rule%201&limit=3");
        Assert.That(rules.Select(r => r["name"]!.GetValue<string>()), Has.All.Contain("rule 1"));
        Assert.That(ruleLinks, Has.All.Contain("search=rule%201"));
    }
}
