using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QuantaProxy.Gateway.Hosting;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Cli.Tests;

/// <summary>Trust an issuer, register an agent, and grant, list and revoke a delegation with the CLI against a real gateway.</summary>
public sealed class AgentCommandsTests
{
    private const string ServerId = "auscli00000000000001";
    private const string AgentId = "0oaclitestagent00001";
    private OktaSandboxServer _okta = null!;
    private WebApplication _gateway = null!;
    private string _dataDir = null!;
    private string _url = null!;
    private string _apiKey = null!;
    private string _integration = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var agentKey = new ServiceAppKeyPair("cli-agent");
        var options = new SandboxOptions { ApiTokens = { "00cli-token" } };
        options.AuthorizationServers.Add(new SandboxAuthorizationServer { Id = ServerId, Audience = "api://quantaproxy", Scopes = { "qp.proxy" } });
        options.ServiceApps.Add(new SandboxServiceApp { ClientId = AgentId, Keys = { agentKey.PublicJsonWebKey } });
        _okta = await OktaSandboxServer.StartAsync(options);
        _dataDir = Directory.CreateTempSubdirectory("qp-cli-agents-").FullName;
        _gateway = await GatewayApp.CreateAsync(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["QuantaProxy:DataDir"] = _dataDir, ["QuantaProxy:Okta:AllowLoopback"] = "true" });
            builder.Logging.ClearProviders();
        });
        await _gateway.StartAsync();
        _url = _gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var admin = (await File.ReadAllTextAsync(Path.Combine(_dataDir, "admin-key"))).Trim();
        using var http = new HttpClient { BaseAddress = new Uri(_url) };
        async Task<JsonNode> PostAsync(string path, string key, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Add("X-API-Key", key);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.That(response.IsSuccessStatusCode, Is.True, text);
            return JsonNode.Parse(text)!;
        }
        var tenantId = (await PostAsync("/api/v2/tenants", admin, new { name = "cli" }))["tenant_id"]!.GetValue<string>();
        _apiKey = (await PostAsync("/api/v2/api-keys", admin, new { tenant_id = tenantId, name = "cli", scopes = new[] { "admin" } }))["api_key"]!.GetValue<string>();
        var credential = (await PostAsync("/api/v2/vault/seal", _apiKey, new { credential_type = "api_key", name = "okta", secret = new { token = "00cli-token" } }))["credential_id"]!.GetValue<string>();
        _integration = (await PostAsync("/api/v2/integrations", _apiKey, new
        {
            system_type = "okta", name = "sandbox", okta_domain = _okta.BaseAddress.ToString().TrimEnd('/'), credential_id = credential, allowed_operations = new[] { "list_users" },
        }))["integration_id"]!.GetValue<string>();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }
        if (_okta is not null) await _okta.DisposeAsync();
        if (_dataDir is not null) Directory.Delete(_dataDir, recursive: true);
    }

    private async Task<JsonNode> CliAsync(params string[] args)
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, [.. args, "--gateway", _url, "--api-key", _apiKey]);
        Assert.That(code, Is.Zero, stderr);
        return JsonNode.Parse(Encoding.UTF8.GetString(stdout))!;
    }

    [Test]
    public async Task An_agent_is_trusted_registered_delegated_to_listed_and_revoked()
    {
        var issuer = await CliAsync("trusted-issuer", "add", "--issuer", _okta.AuthorizationServer(ServerId).Issuer.ToString(), "--audience", "api://quantaproxy", "--token-shape", "agbac");
        var agent = await CliAsync("agent", "register", "--trusted-issuer", issuer["trusted_issuer_id"]!.GetValue<string>(), "--client-id", AgentId,
            "--name", "helpdesk", "--integrations", _integration, "--operations", "list_users");
        var delegation = await CliAsync("delegation", "create", "--agent", agent["agent_id"]!.GetValue<string>(), "--integration", _integration,
            "--operations", "list_users", "--person", "user0001@example.com", "--expires", DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        var id = delegation["delegation_id"]!.GetValue<string>();
        Assert.That(delegation["status"]!.GetValue<string>(), Is.EqualTo("active"));
        var listed = await CliAsync("delegation", "list");
        Assert.That(listed.ToJsonString(), Does.Contain(id));
        var revoked = await CliAsync("delegation", "revoke", id);
        Assert.That(revoked["status"]!.GetValue<string>(), Is.EqualTo("revoked"));

        var (code, _, stderr) = await CliProcess.RunAsync(null, "delegation", "create", "--agent", agent["agent_id"]!.GetValue<string>(), "--integration", _integration,
            "--operations", "list_users", "--expires", "2030-01-01T00:00:00Z", "--gateway", _url, "--api-key", _apiKey);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("exactly one of --person and --group"));
    }

    [Test]
    public async Task A_held_call_is_listed_shown_and_approved_with_the_CLI_by_a_second_person()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_url) };
        async Task<(int Status, JsonNode? Body, string? Location)> SendAsync(HttpMethod method, string path, string key, object? body)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Add("X-API-Key", key);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers.Location?.ToString());
        }
        var admin = (await File.ReadAllTextAsync(Path.Combine(_dataDir, "admin-key"))).Trim();
        var integration = await SendAsync(HttpMethod.Post, "/api/v2/integrations", _apiKey, new
        {
            system_type = "okta", name = "approvals", okta_domain = _okta.BaseAddress.ToString().TrimEnd('/'),
            credential_id = (await SendAsync(HttpMethod.Get, "/api/v2/vault", _apiKey, null)).Body!["credentials"]![0]!["credential_id"]!.GetValue<string>(),
            allowed_operations = new[] { "list_users", "suspend_user" },
        });
        var integrationId = integration.Body!["integration_id"]!.GetValue<string>();
        var uploaded = await SendAsync(HttpMethod.Put, "/api/v2/policies", _apiKey, new
        {
            policies = """
                @id("everything-else") permit(principal, action, resource) unless { action == QuantaProxy::Action::"suspend_user" };
                @id("suspend-needs-approval") @approval("1") permit(principal, action == QuantaProxy::Action::"suspend_user", resource);
                """,
        });
        Assert.That(uploaded.Status, Is.EqualTo(200), uploaded.Body?.ToJsonString());
        var users = await SendAsync(HttpMethod.Get, $"/api/v2/integrations/{integrationId}", _apiKey, null);
        Assert.That(users.Status, Is.EqualTo(200));
        var tenantId = users.Body!["tenant_id"]!.GetValue<string>();
        var publicKey = QuantaProxy.Crypto.Primitives.MlKem768PrivateKey.FromSeed(QuantaProxy.Crypto.Primitives.MlKem768.GenerateSeed()).PublicKey.ToArray();
        Assert.That((await SendAsync(HttpMethod.Post, $"/api/v2/tenants/{tenantId}/envelope-keys", _apiKey, new { public_key = Convert.ToBase64String(publicKey) })).Status, Is.EqualTo(201));
        var approver = (await SendAsync(HttpMethod.Post, "/api/v2/api-keys", admin, new { tenant_id = tenantId, name = "approver", scopes = new[] { "approvals:decide" } })).Body!["api_key"]!.GetValue<string>();
        using var okta = new HttpClient { BaseAddress = _okta.BaseAddress };
        okta.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("SSWS", "00cli-token");
        var target = JsonNode.Parse(await okta.GetStringAsync("/api/v1/users?limit=1"))![0]!["id"]!.GetValue<string>();
        var held = await SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", _apiKey,
            new { integration_id = integrationId, operation = "suspend_user", payload = new { user_id = target } });
        Assert.That(held.Status, Is.EqualTo(202), held.Body?.ToJsonString());
        var approvalId = held.Location!.Split('/').Last();

        async Task<JsonNode> AsApproverAsync(params string[] args)
        {
            var (code, stdout, stderr) = await CliProcess.RunAsync(null, [.. args, "--gateway", _url, "--api-key", approver]);
            Assert.That(code, Is.Zero, stderr);
            return JsonNode.Parse(Encoding.UTF8.GetString(stdout))!;
        }
        var shown = await AsApproverAsync("approval", "show", approvalId);
        Assert.That(shown["operation"]!.GetValue<string>(), Is.EqualTo("suspend_user"));
        Assert.That(shown["state"]!.GetValue<string>(), Is.EqualTo("pending"));
        Assert.That(shown["arguments"]!["user_id"]!.GetValue<string>(), Is.EqualTo(target), "an approver reads what the policy saw");
        var queue = await AsApproverAsync("approval", "list", "--state", "pending");
        Assert.That(queue["approvals"]!.AsArray().Select(a => a!["approval_id"]!.GetValue<string>()), Does.Contain(approvalId));
        Assert.That(queue.ToJsonString(), Does.Not.Contain(target), "a list carries no arguments");
        var approved = await AsApproverAsync("approval", "approve", approvalId);
        Assert.That(approved["approvers"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(approved["state"]!.GetValue<string>(), Is.AnyOf("executing", "executed"), approved.ToJsonString());
        Assert.That((await AsApproverAsync("approval", "list", "--state", "pending"))["approvals"]!.AsArray(), Is.Empty);
        Assert.That((await AsApproverAsync("approval", "list"))["approvals"]!.AsArray().Select(a => a!["approval_id"]!.GetValue<string>()), Does.Contain(approvalId));
        var (badCode, _, badError) = await CliProcess.RunAsync(null, ["approval", "list", "--state", "waiting", "--gateway", _url, "--api-key", approver]);
        Assert.That(badCode, Is.Not.Zero, "an unknown state is refused");
        Assert.That(badError, Does.Contain("waiting"));
    }
}
