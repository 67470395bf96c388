using System.Net;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Okta.Catalog;

/// <summary>
/// Integrations derive their Okta scopes from their allowed operations when scopes are omitted, refuse explicit scopes that
/// miss an operation's, and the governance_read profile makes a read-only governance integration in one call, which then
/// works end to end as a service app granted only read scopes.
/// </summary>
public sealed class IntegrationScopeTests
{
    private const string ClientId = "0oagovernancereader";
    private OktaSandboxServer _okta = null!;
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private string _bundle = null!;
    private string _apiKeyCredential = null!;
    private string _serviceAppCredential = null!;

    private static readonly string[] ReadScopes =
    [
        "okta.users.read", "okta.groups.read", "okta.apps.read", "okta.logs.read", "okta.roles.read", "okta.policies.read", "okta.appGrants.read",
        "okta.eventHooks.read", "okta.authorizationServers.read", "okta.trustedOrigins.read", "okta.networkZones.read", "okta.idps.read", "okta.authenticators.read",
    ];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var (privateJwk, publicJwk) = ServiceAppKeys.EcP256("gov-1");
        var options = new SandboxOptions { SeedUsers = 30, ApiTokens = { "00scope-token" } };
        // An app that was granted only reads: a derived read-only integration must need nothing more.
        options.ServiceApps.Add(new SandboxServiceApp { ClientId = ClientId, Keys = { publicJwk }, GrantedScopes = ReadScopes });
        _okta = await OktaSandboxServer.StartAsync(options);
        _host = await GatewayHost.StartAsync();
        _tenant = await TenantSession.CreateAsync(_host, "scopes");
        _bundle = await _tenant.BundleJsonAsync(_host);
        _apiKeyCredential = (await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", _tenant.ApiKey,
            new { credential_type = "api_key", name = "okta", secret = new { token = "00scope-token" } }))["credential_id"]!.GetValue<string>();
        _serviceAppCredential = (await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", _tenant.ApiKey,
            new { credential_type = "private_key_jwt", name = "svc", secret = ServiceAppKeys.Secret(ClientId, "gov-1", privateJwk) }))["credential_id"]!.GetValue<string>();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _okta.DisposeAsync();
    }

    private Task<(HttpResponseMessage Response, JsonNode? Body)> CreateAsync(object body) =>
        _host.SendAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, body);

    private object Integration(string credential, string[]? scopes = null, string[]? operations = null, string? profile = null)
    {
        var body = new Dictionary<string, object>
        {
            ["system_type"] = "okta", ["name"] = "gov", ["okta_domain"] = _okta.BaseAddress.ToString().TrimEnd('/'), ["credential_id"] = credential,
        };
        if (scopes is not null) body["scopes"] = scopes;
        if (operations is not null) body["allowed_operations"] = operations;
        if (profile is not null) body["profile"] = profile;
        return body;
    }

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(s => s!.GetValue<string>()).ToList();

    [Test]
    public async Task Omitted_scopes_are_the_union_of_the_operations_scopes()
    {
        var (response, body) = await CreateAsync(Integration(_apiKeyCredential, operations: ["list_users", "create_user", "list_policies", "list_app_grants"]));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body?.ToJsonString());
        // okta.users.read is implied by okta.users.manage, as Okta treats it.
        Assert.That(Strings(body!["scopes"]), Is.EqualTo(new[] { "okta.appGrants.read", "okta.policies.read", "okta.users.manage" }));
    }

    [Test]
    public async Task Explicit_scopes_that_miss_an_operations_scope_are_refused_naming_it()
    {
        var (response, body) = await CreateAsync(Integration(_apiKeyCredential, ["okta.users.read"], ["list_users", "list_user_roles"]));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("scopes_do_not_cover_operations"));
        Assert.That(body["field"]!.GetValue<string>(), Is.EqualTo("scopes"));
        Assert.That(body["detail"]!.GetValue<string>(), Does.Contain("okta.roles.read (for list_user_roles)").And.Contain("omit scopes"));
        var (covered, _) = await CreateAsync(Integration(_apiKeyCredential, ["okta.users.manage", "okta.roles.read"], ["list_users", "list_user_roles"]));
        Assert.That(covered.StatusCode, Is.EqualTo(HttpStatusCode.Created), "a manage scope covers its read");
    }

    [Test]
    public async Task Updating_operations_rederives_derived_scopes_and_checks_chosen_ones()
    {
        var derived = (await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, Integration(_apiKeyCredential, operations: ["list_users"])))["integration_id"]!.GetValue<string>();
        var widened = await _host.OkAsync(HttpMethod.Patch, $"/api/v2/integrations/{derived}", _tenant.ApiKey, new { allowed_operations = new[] { "list_users", "list_network_zones" } });
        Assert.That(Strings(widened["scopes"]), Is.EqualTo(new[] { "okta.networkZones.read", "okta.users.read" }));

        var chosen = (await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey,
            Integration(_apiKeyCredential, ["okta.users.read", "okta.groups.read"], ["list_users"])))["integration_id"]!.GetValue<string>();
        var (refused, problem) = await _host.SendAsync(HttpMethod.Patch, $"/api/v2/integrations/{chosen}", _tenant.ApiKey, new { allowed_operations = new[] { "list_users", "list_idps_nope" } });
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "an unknown operation is still refused first");
        (refused, problem) = await _host.SendAsync(HttpMethod.Patch, $"/api/v2/integrations/{chosen}", _tenant.ApiKey, new { allowed_operations = new[] { "list_users", "list_identity_providers" } });
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem!["code"]!.GetValue<string>(), Is.EqualTo("scopes_do_not_cover_operations"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("okta.idps.read"));
        var kept = await _host.OkAsync(HttpMethod.Patch, $"/api/v2/integrations/{chosen}", _tenant.ApiKey, new { allowed_operations = new[] { "list_users", "list_groups" } });
        Assert.That(Strings(kept["scopes"]), Is.EqualTo(new[] { "okta.users.read", "okta.groups.read" }), "chosen scopes stay as chosen");
    }

    [Test]
    public async Task A_profile_is_exclusive_with_allowed_operations_and_must_exist()
    {
        var (both, problem) = await CreateAsync(Integration(_apiKeyCredential, operations: ["list_users"], profile: "governance_read"));
        Assert.That(both.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem!["field"]!.GetValue<string>(), Is.EqualTo("allowed_operations"));
        var (unknown, unknownProblem) = await CreateAsync(Integration(_apiKeyCredential, profile: "everything"));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(unknownProblem!["field"]!.GetValue<string>(), Is.EqualTo("profile"));
        Assert.That(unknownProblem["detail"]!.GetValue<string>(), Does.Contain("governance_read").And.Not.Contain("everything"));
        var (neither, _) = await CreateAsync(Integration(_apiKeyCredential));
        Assert.That(neither.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task The_governance_read_profile_allows_every_read_and_no_write_and_works_as_a_read_only_service_app()
    {
        var created = await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, Integration(_serviceAppCredential, profile: "governance_read"));
        var operations = Strings(created["allowed_operations"]);
        var reads = OktaOperationCatalog.Default.All.Where(o => !o.Mutating).Select(o => o.Name).ToList();
        Assert.That(operations, Is.EquivalentTo(reads));
        Assert.That(operations, Does.Contain("list_policies").And.Contain("list_user_roles").And.Contain("get_system_log"));
        var scopes = Strings(created["scopes"]);
        Assert.That(scopes, Is.EquivalentTo(ReadScopes));
        Assert.That(scopes, Has.None.EndsWith(".manage"));

        var integration = created["integration_id"]!.GetValue<string>();
        var users = await CallAsync(integration, "list_users", new { limit = 1 });
        Assert.That(users["status"]!.GetValue<int>(), Is.EqualTo(200), users.ToJsonString());
        var roles = await CallAsync(integration, "list_user_roles", new { user_id = users["body"]![0]!["id"]!.GetValue<string>() });
        Assert.That(roles["status"]!.GetValue<int>(), Is.EqualTo(200), roles.ToJsonString());
        var policies = await CallAsync(integration, "list_policies", new { type = "OKTA_SIGN_ON" });
        Assert.That(policies["status"]!.GetValue<int>(), Is.EqualTo(200), policies.ToJsonString());
        var zones = await CallAsync(integration, "list_network_zones");
        Assert.That(zones["status"]!.GetValue<int>(), Is.EqualTo(200), zones.ToJsonString());

        using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey,
            new { integration_id = integration, operation = "deactivate_user", payload = new { user_id = users["body"]![0]!["id"]!.GetValue<string>() } });
        using var refused = await _host.Client.SendAsync(request);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    private async Task<JsonNode> CallAsync(string integration, string operation, object? payload = null)
    {
        using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey, new { integration_id = integration, operation, payload = payload ?? new { } });
        using var response = await _host.Client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), System.Text.Encoding.UTF8.GetString(bytes));
        return JsonNode.Parse(EnvelopeTestOpener.Open(_bundle, bytes, response.Headers.GetValues("X-Request-Id").Single()))!;
    }
}
