using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Agents;

/// <summary>
/// A real Okta sandbox playing the authorization server that issues agent tokens, and one or more real gateways with a
/// tenant that trusts it: an SSWS integration, a trusted issuer per token shape, a registered agent, and Alice (an
/// ACTIVE sandbox user) to delegate from.
/// </summary>
public sealed class AgentWorld : IAsyncDisposable
{
    public const string ServerId = "ausagents0000000001";
    public const string ExchangeServerId = "ausexchange00000001";
    public const string OtherServerId = "ausother00000000001";
    public const string Audience = "api://quantaproxy";
    public const string AgentId = "0oaagent00000000001";
    public const string StrangerId = "0oastranger00000001";
    public const string Ssws = "00agents-world-ssws";

    private AgentWorld(SandboxClock clock, OktaSandboxServer sandbox, GatewayHost gateway, TenantSession tenant, ServiceAppKeyPair agentKey, ServiceAppKeyPair strangerKey, HttpClient okta)
    {
        Clock = clock;
        Sandbox = sandbox;
        Gateway = gateway;
        Tenant = tenant;
        AgentKey = agentKey;
        StrangerKey = strangerKey;
        Okta = okta;
    }

    /// <summary>The one clock of the sandbox and the gateway: tests move it instead of waiting.</summary>
    public SandboxClock Clock { get; }
    public OktaSandboxServer Sandbox { get; }
    public GatewayHost Gateway { get; }
    public TenantSession Tenant { get; }
    public ServiceAppKeyPair AgentKey { get; }
    public ServiceAppKeyPair StrangerKey { get; }
    /// <summary>The sandbox's Management API as its administrator (SSWS).</summary>
    public HttpClient Okta { get; }
    public string IntegrationId { get; private set; } = "";
    public string AgbacIssuerId { get; private set; } = "";
    public string ExchangeIssuerId { get; private set; } = "";
    public string AgentRecordId { get; private set; } = "";
    public string AliceId { get; private set; } = "";
    public string AliceLogin { get; private set; } = "";
    public string BobId { get; private set; } = "";
    public CustomAuthorizationServer Agbac => Sandbox.AuthorizationServer(ServerId);
    public CustomAuthorizationServer Exchange => Sandbox.AuthorizationServer(ExchangeServerId);
    public CustomAuthorizationServer Other => Sandbox.AuthorizationServer(OtherServerId);

    public static async Task<AgentWorld> StartAsync(StoreKind store = StoreKind.Sqlite, IDictionary<string, string?>? settings = null, Action<SandboxOptions>? configure = null)
    {
        var agentKey = new ServiceAppKeyPair("agent-kid-1");
        var strangerKey = new ServiceAppKeyPair("stranger-kid-1");
        var clock = new SandboxClock();
        var options = new SandboxOptions { Clock = clock, ApiTokens = { Ssws }, SeedUsers = 12, SeedGroups = 3, SeedApps = 1, SeedLogEvents = 3 };
        options.ServiceApps.Add(new SandboxServiceApp { ClientId = AgentId, RequireDpop = false, Keys = { agentKey.PublicJsonWebKey } });
        options.ServiceApps.Add(new SandboxServiceApp { ClientId = StrangerId, RequireDpop = false, Keys = { strangerKey.PublicJsonWebKey } });
        foreach (var id in new[] { ServerId, ExchangeServerId, OtherServerId })
            options.AuthorizationServers.Add(new SandboxAuthorizationServer { Id = id, Audience = Audience, Scopes = { "qp.proxy" } });
        options.EventHooks.RetryDelay = TimeSpan.FromMilliseconds(300);
        configure?.Invoke(options);
        var sandbox = await OktaSandboxServer.StartAsync(options);
        var gateway = await GatewayHost.StartAsync(store, settings, b => b.Services.AddSingleton<TimeProvider>(clock));
        var tenant = await TenantSession.CreateAsync(gateway, "agents");
        var okta = new HttpClient { BaseAddress = sandbox.BaseAddress };
        okta.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", Ssws);
        var world = new AgentWorld(clock, sandbox, gateway, tenant, agentKey, strangerKey, okta);
        await world.ProvisionAsync();
        return world;
    }

    private async Task ProvisionAsync()
    {
        var credential = (await Gateway.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", Tenant.ApiKey,
            new { credential_type = "api_key", name = "okta", secret = new { token = Ssws } }))["credential_id"]!.GetValue<string>();
        IntegrationId = (await Gateway.OkAsync(HttpMethod.Post, "/api/v2/integrations", Tenant.ApiKey, new
        {
            system_type = "okta", name = "sandbox", okta_domain = Sandbox.BaseAddress.ToString().TrimEnd('/'), credential_id = credential,
            scopes = new[] { "okta.users.read", "okta.groups.read", "okta.logs.read" },
            allowed_operations = new[] { "list_users", "get_user", "list_groups" },
        }))["integration_id"]!.GetValue<string>();
        AgbacIssuerId = await TrustIssuerAsync(Agbac, "agbac");
        ExchangeIssuerId = await TrustIssuerAsync(Exchange, "token_exchange");
        AgentRecordId = await RegisterAgentAsync(AgbacIssuerId, AgentId, ["list_users", "get_user"]);
        var users = JsonNode.Parse(await Okta.GetStringAsync("/api/v1/users?search=status%20eq%20%22ACTIVE%22&limit=2"))!.AsArray();
        AliceId = users[0]!["id"]!.GetValue<string>();
        AliceLogin = users[0]!["profile"]!["login"]!.GetValue<string>();
        BobId = users[1]!["id"]!.GetValue<string>();
    }

    public async Task<string> TrustIssuerAsync(CustomAuthorizationServer server, string shape, string? audience = null) =>
        (await Gateway.OkAsync(HttpMethod.Post, "/api/v2/trusted-issuers", Tenant.ApiKey,
            new { issuer = server.Issuer.ToString(), audience = audience ?? Audience, token_shape = shape, algorithms = new[] { "RS256" } }))["trusted_issuer_id"]!.GetValue<string>();

    public async Task<string> RegisterAgentAsync(string trustedIssuerId, string clientId, string[] operations) =>
        (await Gateway.OkAsync(HttpMethod.Post, "/api/v2/agents", Tenant.ApiKey, new
        {
            trusted_issuer_id = trustedIssuerId, client_id = clientId, name = "agent " + clientId, integrations = new[] { IntegrationId }, operations,
        }))["agent_id"]!.GetValue<string>();

    public async Task<string> DelegateAsync(string agentRecordId, string person, string[] operations, long? callsPerDay = null) =>
        (await Gateway.OkAsync(HttpMethod.Post, "/api/v2/delegations", Tenant.ApiKey, new
        {
            agent_id = agentRecordId, integration_id = IntegrationId, operations, person, calls_per_day = callsPerDay,
            expires_at = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
        }))["delegation_id"]!.GetValue<string>();

    public SandboxAgentClient Agent(CustomAuthorizationServer server, string clientId = AgentId) =>
        SandboxAgentClient.FromKeyPair(server.Issuer, clientId, clientId == AgentId ? AgentKey : StrangerKey);

    /// <summary>An AGBAC token: the agent, acting for <paramref name="person"/> (none: the agent alone).</summary>
    public async Task<string> AgbacTokenAsync(string? person, string clientId = AgentId, bool dpop = false, SandboxAgentClient? client = null)
    {
        using var owned = client is null ? Agent(Agbac, clientId) : null;
        var agent = client ?? owned!;
        var response = await agent.ClientCredentialsAsync("qp.proxy", person is null ? null : new JsonObject { ["sub"] = person }, dpop);
        return response.EnsureAccessToken();
    }

    public static HttpRequestMessage ProxyRequest(string token, string integrationId, string operation, object? payload = null, string scheme = "Bearer", string? dpopProof = null)
    {
        var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", null, new { integration_id = integrationId, operation, payload });
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        if (dpopProof is not null) request.Headers.Add("DPoP", dpopProof);
        return request;
    }

    public async Task<(int Status, JsonNode? Body)> CallAsync(string token, string operation = "list_users", object? payload = null, string scheme = "Bearer", string? dpopProof = null, GatewayHost? via = null)
    {
        using var request = ProxyRequest(token, IntegrationId, operation, payload ?? new { limit = 2 }, scheme, dpopProof);
        using var response = await (via ?? Gateway).Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async Task<JsonArray> AuditEventsAsync()
    {
        var page = await Gateway.OkAsync(HttpMethod.Get, "/api/v2/audit/events?limit=1000", Tenant.ApiKey);
        return page["events"]!.AsArray();
    }

    public async ValueTask DisposeAsync()
    {
        Okta.Dispose();
        await Gateway.DisposeAsync();
        await Sandbox.DisposeAsync();
        AgentKey.Dispose();
        StrangerKey.Dispose();
    }
}
