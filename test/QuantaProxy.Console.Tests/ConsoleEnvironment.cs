using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Gateway.Hosting;
using QuantaProxy.OktaSandbox;
using QuantaProxy.Gateway.ApiKeys;

namespace QuantaProxy.Console.Tests;

/// <summary>
/// One gateway, one Okta sandbox (a custom authorization server with the console's OIDC app) and one headless Debian chromium for
/// the whole run. Without chromium a developer's run reports the browser tests inconclusive; under <c>CI=true</c> they fail.
/// </summary>
public sealed class ConsoleEnvironment : IAsyncDisposable
{
    public const string ClientId = "0oaconsole000000001";
    public const string AuthServerId = "ausconsole000000001";
    public const string AdminGroup = "Group 29";
    public const string AuditorGroup = "Group 28";
    public const string ApproverGroup = "Group 27";
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private WebApplication _gateway = null!;
    public OktaSandboxServer Sandbox { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public Uri Gateway { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "qp-console-test-" + Guid.NewGuid().ToString("N"));
    public string AdminKey { get; private set; } = "";
    public string OktaToken { get; } = "00console" + Guid.NewGuid().ToString("N");
    public Tenant Main { get; private set; } = null!;
    public Tenant Other { get; private set; } = null!;
    public string AdminLogin { get; private set; } = "";
    public string NoRoleLogin { get; private set; } = "";
    /// <summary>A person whose only mapped group is the auditors' (read-only).</summary>
    public string AuditorLogin { get; private set; } = "";
    /// <summary>A person whose strongest mapped group is the approvers' (decides on held calls, reads the audit).</summary>
    public string ApproverLogin { get; private set; } = "";
    /// <summary>The approver's Okta user id: what the approval and its audit name them by.</summary>
    public string ApproverUserId { get; private set; } = "";
    public string Issuer => Sandbox.AuthorizationServer(AuthServerId).Issuer.ToString().TrimEnd('/');
    public string UserDataDir { get; } = Path.Combine(Path.GetTempPath(), "qp-console-chromium-" + Guid.NewGuid().ToString("N"));

    public sealed record Tenant(string Id, string ApiKey, byte[] HmacKey, byte[] EnvelopeSeed, string EnvelopeKeyId, string CredentialId, string IntegrationId);

    public static string ChromiumPath => Environment.GetEnvironmentVariable("QP_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static void RequireChromium()
    {
        if (File.Exists(ChromiumPath)) return;
        var message = $"{ChromiumPath} not found: install Debian's chromium (apt-get install -y chromium) or set QP_CHROMIUM. .ci/run installs it.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(message);
        Assert.Inconclusive(message);
    }

    public static async Task<ConsoleEnvironment> StartAsync()
    {
        RequireChromium();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var env = new ConsoleEnvironment();
        await env.StartCoreAsync();
        return env;
    }

    private async Task StartCoreAsync()
    {
        _gateway = await GatewayApp.CreateAsync(["--urls", "http://127.0.0.1:0", "--environment", "Development"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["QuantaProxy:DataDir"] = DataDir,
                ["QuantaProxy:Okta:AllowLoopback"] = "true",
                ["QuantaProxy:Audit:CheckpointInterval"] = "00:00:00",
                ["QuantaProxy:Audit:CheckpointReuseMaxAge"] = "00:00:00",
            });
            builder.Logging.ClearProviders();
        });
        await _gateway.StartAsync();
        Gateway = new Uri(_gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Http = new HttpClient { BaseAddress = Gateway };
        AdminKey = (await File.ReadAllTextAsync(Path.Combine(DataDir, AdminKeyBootstrapper.FileName))).Trim();
        var mainId = await CreateTenantIdAsync("acme");
        var otherId = await CreateTenantIdAsync("globex");

        var options = new SandboxOptions { ApiTokens = { OktaToken }, SeedLogEvents = 50 };
        var server = new SandboxAuthorizationServer { Id = AuthServerId, Audience = "api://quantaproxy-console", Scopes = { "qp.console" } };
        server.OidcClients.Add(new SandboxOidcClient { ClientId = ClientId, RedirectUris = { new Uri(Gateway, "/console/signin-oidc/" + mainId).ToString(), new Uri(Gateway, "/console/signin-oidc/" + otherId).ToString() } });
        options.AuthorizationServers.Add(server);
        Sandbox = await OktaSandboxServer.StartAsync(options);

        Main = await ProvisionAsync(mainId, "acme");
        Other = await ProvisionAsync(otherId, "globex");
        foreach (var t in new[] { Main, Other })
            await OkAsync(HttpMethod.Put, $"/api/v2/tenants/{t.Id}/console-settings", AdminKey, new
            {
                issuer = Issuer, client_id = ClientId,
                role_groups = new Dictionary<string, string[]> { ["tenant_admin"] = [AdminGroup], ["approver"] = [ApproverGroup], ["auditor"] = [AuditorGroup] },
            });
        (AdminLogin, NoRoleLogin, AuditorLogin, ApproverLogin, ApproverUserId) = await FindUsersAsync();

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
    }

    private readonly Dictionary<string, byte[]> _hmacKeys = [];

    private async Task<string> CreateTenantIdAsync(string name)
    {
        var tenant = await OkAsync(HttpMethod.Post, "/api/v2/tenants", AdminKey, new { name });
        var id = tenant["tenant_id"]!.GetValue<string>();
        _hmacKeys[id] = Convert.FromBase64String(tenant["hmac_key"]!.GetValue<string>());
        return id;
    }

    /// <summary>The tenant key bundle (FORMATS.md §4) the offline verifier needs.</summary>
    public async Task<string> BundleJsonAsync(Tenant tenant)
    {
        var keys = await OkAsync(HttpMethod.Get, $"/api/v2/tenants/{tenant.Id}/keys", tenant.ApiKey);
        var signing = new JsonArray();
        foreach (var k in keys["signing_keys"]!.AsArray())
            signing.Add(new JsonObject { ["key_id"] = k!["key_id"]!.GetValue<string>(), ["public_key"] = k["public_key"]!.GetValue<string>() });
        var checkpoint = new JsonArray();
        foreach (var k in keys["checkpoint_keys"]!.AsArray())
            checkpoint.Add(new JsonObject { ["name"] = k!["name"]!.GetValue<string>(), ["public_key"] = k["public_key"]!.GetValue<string>() });
        return new JsonObject
        {
            ["format"] = "qp-tenant-keys-v1",
            ["tenant_id"] = tenant.Id,
            ["envelope_keys"] = new JsonArray(new JsonObject
            {
                ["key_id"] = tenant.EnvelopeKeyId,
                ["seed"] = Convert.ToBase64String(tenant.EnvelopeSeed),
                ["public_key"] = Convert.ToBase64String(MlKem768PrivateKey.FromSeed(tenant.EnvelopeSeed).PublicKey.ToArray()),
            }),
            ["signing_keys"] = signing,
            ["hmac_key"] = Convert.ToBase64String(tenant.HmacKey),
            ["checkpoint_keys"] = checkpoint,
        }.ToJsonString();
    }

    /// <summary>A tenant key, envelope key, sealed SSWS credential and a list_users integration against the sandbox.</summary>
    private async Task<Tenant> ProvisionAsync(string tenantId, string name)
    {
        var key = await OkAsync(HttpMethod.Post, "/api/v2/api-keys", AdminKey, new { tenant_id = tenantId, name = "test", scopes = new[] { "proxy:invoke", "vault:seal", "integrations:write", "audit:read", "admin" } });
        var apiKey = key["api_key"]!.GetValue<string>();
        var seed = MlKem768.GenerateSeed();
        var publicKey = MlKem768PrivateKey.FromSeed(seed).PublicKey.ToArray();
        var registered = await OkAsync(HttpMethod.Post, $"/api/v2/tenants/{tenantId}/envelope-keys", AdminKey, new { public_key = Convert.ToBase64String(publicKey) });
        var credential = (await OkAsync(HttpMethod.Post, "/api/v2/vault/seal", apiKey, new { credential_type = "api_key", name = $"{name}-okta", secret = new { token = OktaToken } }))["credential_id"]!.GetValue<string>();
        var integration = (await OkAsync(HttpMethod.Post, "/api/v2/integrations", apiKey, new
        {
            system_type = "okta", name = $"{name}-directory", okta_domain = Sandbox.BaseAddress.ToString().TrimEnd('/'), credential_id = credential,
            scopes = new[] { "okta.users.read" }, allowed_operations = new[] { "list_users" },
        }))["integration_id"]!.GetValue<string>();
        return new Tenant(tenantId, apiKey, _hmacKeys[tenantId], seed, registered["key_id"]!.GetValue<string>(), credential, integration);
    }

    private async Task<(string Admin, string NoRole, string Auditor, string Approver, string ApproverId)> FindUsersAsync()
    {
        using var okta = new HttpClient { BaseAddress = Sandbox.BaseAddress };
        okta.DefaultRequestHeaders.Add("Authorization", "SSWS " + OktaToken);
        var groups = JsonNode.Parse(await okta.GetStringAsync("/api/v1/groups?limit=200"))!.AsArray();
        string GroupId(string name) => groups.First(g => g!["profile"]!["name"]!.GetValue<string>() == name)!["id"]!.GetValue<string>();
        async Task<JsonArray> MembersAsync(string group) => JsonNode.Parse(await okta.GetStringAsync($"/api/v1/groups/{GroupId(group)}/users?limit=200"))!.AsArray();
        static string Id(JsonNode? u) => u!["id"]!.GetValue<string>();
        static string Login(JsonNode? u) => u!["profile"]!["login"]!.GetValue<string>();
        var admins = await MembersAsync(AdminGroup);
        var auditors = await MembersAsync(AuditorGroup);
        var approvers = await MembersAsync(ApproverGroup);
        var mapped = admins.Concat(auditors).Concat(approvers).Select(Id).ToHashSet();
        var users = JsonNode.Parse(await okta.GetStringAsync("/api/v1/users?limit=50"))!.AsArray();
        var noRole = Login(users.First(u => !mapped.Contains(Id(u))));
        var adminIds = admins.Select(Id).ToHashSet();
        var approverIds = approvers.Select(Id).ToHashSet();
        // The strongest mapped role wins: the auditor is in no stronger group, the approver in no admins' group.
        var auditor = Login(auditors.First(u => !adminIds.Contains(Id(u)) && !approverIds.Contains(Id(u))));
        var approver = approvers.First(u => !adminIds.Contains(Id(u)));
        return (Login(admins[0]), noRole, auditor, Login(approver), Id(approver));
    }

    public async Task<JsonNode> OkAsync(HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", key);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        Playwright?.Dispose();
        if (Sandbox is not null) await Sandbox.DisposeAsync();
        Http?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }
        try
        {
            Directory.Delete(DataDir, true);
        }
        catch (IOException)
        {
        }
    }
}
