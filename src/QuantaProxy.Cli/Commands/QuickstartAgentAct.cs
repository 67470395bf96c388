using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaProxy.Client;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Cli.Commands;

/// <summary>
/// The quick start's agent act: an AI agent (a service app of the Okta org) acts for Alice with an AGBAC token — the agent
/// as <c>sub</c>, Alice as <c>act.sub</c> — under a delegation; Alice is deactivated in Okta; Okta's event hook reaches the
/// gateway and the next call on her behalf is refused, both subjects and the revocation in the audit.
/// </summary>
internal static class QuickstartAgentAct
{
    public const string AuthorizationServerId = "ausquickstart000001";
    public const string AgentClientId = "0oaquickstartagent1";
    public const string Audience = "api://quantaproxy";
    public const string Scope = "qp.proxy";

    /// <summary>What the sandbox must know before it starts: the authorization server that issues agent tokens, and the agent.</summary>
    public static void Configure(SandboxOptions options, ServiceAppKeyPair agentKey)
    {
        options.AuthorizationServers.Add(new SandboxAuthorizationServer { Id = AuthorizationServerId, Audience = Audience, Scopes = { Scope } });
        options.ServiceApps.Add(new SandboxServiceApp { ClientId = AgentClientId, RequireDpop = false, Keys = { agentKey.PublicJsonWebKey } });
        options.EventHooks.RetryDelay = TimeSpan.FromMilliseconds(500);
    }

    public sealed record Steps(Action<string> Say, Action<string> Detail, Action<bool, string> Check);

    public static async Task RunAsync(HttpClient gateway, OktaSandboxServer okta, string oktaToken, ServiceAppKeyPair agentKey, string apiKey, string integrationId,
        EnvelopeVerifier verifier, Steps steps, CancellationToken ct)
    {
        var (say, detail, check) = (steps.Say, steps.Detail, steps.Check);
        using var oktaAdmin = new HttpClient { BaseAddress = okta.BaseAddress };
        oktaAdmin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", oktaToken);
        var server = okta.AuthorizationServer(AuthorizationServerId);

        say("Agents acting for people: trusting the org's authorization server, registering an agent, and Alice delegating list_users to it");
        var issuer = await SendAsync(gateway, HttpMethod.Post, "/api/v2/trusted-issuers", apiKey,
            new { issuer = server.Issuer.ToString(), audience = Audience, token_shape = "agbac", algorithms = new[] { "RS256" } }, ct);
        var agent = await SendAsync(gateway, HttpMethod.Post, "/api/v2/agents", apiKey, new
        {
            trusted_issuer_id = issuer["trusted_issuer_id"]!.GetValue<string>(), client_id = AgentClientId, name = "quickstart assistant",
            integrations = new[] { integrationId }, operations = new[] { "list_users", "get_user" },
        }, ct);
        var users = JsonNode.Parse(await oktaAdmin.GetStringAsync("/api/v1/users?search=status%20eq%20%22ACTIVE%22&limit=1", ct))!.AsArray();
        var alice = users[0]!["id"]!.GetValue<string>();
        var aliceLogin = users[0]!["profile"]!["login"]!.GetValue<string>();
        var delegation = await SendAsync(gateway, HttpMethod.Post, "/api/v2/delegations", apiKey, new
        {
            agent_id = agent["agent_id"]!.GetValue<string>(), integration_id = integrationId, operations = new[] { "list_users" }, person = alice,
            expires_at = DateTimeOffset.UtcNow.AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        }, ct);
        detail($"trusted issuer {server.Issuer} (AGBAC: sub = agent, act.sub = person); agent {agent["agent_id"]} = {AgentClientId}; " +
               $"delegation {delegation["delegation_id"]} from {aliceLogin} ({alice})");

        say("Subscribing the gateway to Okta's lifecycle events (event hook with a shared secret, verified by Okta)");
        var hook = await SendAsync(gateway, HttpMethod.Put, "/api/v2/okta-hook", apiKey, new { integration_id = integrationId }, ct);
        var hookBody = new JsonObject
        {
            ["name"] = "QuantaProxy revocation",
            ["events"] = new JsonObject { ["type"] = "EVENT_TYPE", ["items"] = new JsonArray("user.lifecycle.deactivate", "user.lifecycle.suspend", "user.lifecycle.delete.initiated",
                "group.user_membership.remove", "application.user_membership.remove", "user.session.clear") },
            ["channel"] = new JsonObject
            {
                ["type"] = "HTTP", ["version"] = "1.0.0",
                ["config"] = new JsonObject
                {
                    ["uri"] = new Uri(gateway.BaseAddress!, hook["hook_path"]!.GetValue<string>()).ToString(),
                    ["authScheme"] = new JsonObject { ["type"] = "HEADER", ["key"] = hook["header"]?.GetValue<string>() ?? "Authorization", ["value"] = hook["secret"]!.GetValue<string>() },
                },
            },
        };
        using (var created = await oktaAdmin.PostAsJsonAsync("/api/v1/eventHooks", hookBody, ct))
        {
            var id = JsonNode.Parse(await created.Content.ReadAsStringAsync(ct))!["id"]!.GetValue<string>();
            using var verified = await oktaAdmin.PostAsync($"/api/v1/eventHooks/{id}/lifecycle/verify", null, ct);
            var status = JsonNode.Parse(await verified.Content.ReadAsStringAsync(ct))?["verificationStatus"]?.GetValue<string>();
            check(status == "VERIFIED", "Okta verified the gateway's hook endpoint");
            detail($"hook {id} → {hookBody["channel"]!["config"]!["uri"]} ({status})");
        }

        say("The agent gets a token for Alice from Okta (client credentials, private_key_jwt, act = Alice) and lists users through the gateway");
        using var agentClient = SandboxAgentClient.FromKeyPair(server.Issuer, AgentClientId, agentKey);
        async Task<(int Status, byte[] Body, string RequestId)> CallAsync()
        {
            var token = (await agentClient.ClientCredentialsAsync(Scope, new JsonObject { ["sub"] = alice }, dpop: false, ct)).EnsureAccessToken();
            var requestId = "req_" + Guid.NewGuid().ToString("N")[..20];
            using var call = new HttpRequestMessage(HttpMethod.Post, "/api/v2/proxy/outbound")
            {
                Content = JsonContent.Create(new { integration_id = integrationId, operation = "list_users", payload = new { limit = 2 } }),
            };
            call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            call.Headers.Add("X-Request-Id", requestId);
            using var answer = await gateway.SendAsync(call, ct);
            return ((int)answer.StatusCode, await answer.Content.ReadAsByteArrayAsync(ct), requestId);
        }
        var first = await CallAsync();
        check(first.Status == 200, $"the agent's call for Alice is allowed (answered {first.Status})");
        var plain = JsonNode.Parse(verifier.Open(first.Body, first.RequestId).Plaintext)!;
        detail($"answered with an envelope: Okta {plain["status"]}, {plain["body"]!.AsArray().Count} users");

        say("Alice is deactivated in Okta; her agent's next call is refused as soon as Okta's event reaches the gateway");
        var clock = Stopwatch.StartNew();
        using (var deactivated = await oktaAdmin.PostAsync($"/api/v1/users/{alice}/lifecycle/deactivate", null, ct))
            check(deactivated.IsSuccessStatusCode, "Okta deactivated Alice");
        (int Status, byte[] Body, string RequestId) refused;
        do
        {
            refused = await CallAsync();
            if (refused.Status != 200) break;
            await Task.Delay(50, ct);
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(5));
        var refusedAfter = clock.Elapsed;
        check(refused.Status == 403, "the call on behalf of a deactivated person is refused");
        var problem = JsonNode.Parse(refused.Body)!;
        detail($"refused after {refusedAfter.TotalMilliseconds:F0} ms: {refused.Status} {problem["code"]} (field {problem["field"]}): {problem["detail"]}");

        // The hook drops the person's cached status before it records its event, so a call in between is already refused by
        // Okta's own answer: the revocation event may land a moment after the refusal.
        JsonArray events;
        JsonNode? revocation;
        do
        {
            events = (await SendAsync(gateway, HttpMethod.Get, "/api/v2/audit/events?limit=1000", apiKey, null, ct))["events"]!.AsArray();
            revocation = events.LastOrDefault(e => e!["type"]!.GetValue<string>() == "okta.revocation");
            if (revocation is null) await Task.Delay(50, ct);
        }
        while (revocation is null && clock.Elapsed < TimeSpan.FromSeconds(10));
        var allowed = events.Last(e => e!["type"]!.GetValue<string>() == "proxy.call" && e["on_behalf_of"]!.GetValue<string>() == alice)!;
        var denied = events.Last(e => e!["type"]!.GetValue<string>() == "proxy.denied" && e["on_behalf_of"]!.GetValue<string>() == alice)!;
        check(revocation is not null, "the revocation is in the audit chain");
        foreach (var e in new[] { allowed, revocation!, denied })
            detail($"#{e["seq"]} {e["type"],-16} actor {e["actor"]}  for {e["on_behalf_of"]}  {e["outcome"]}  {e["detail"]}");
    }

    private static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string path, string apiKey, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", apiKey);
        if (body is not null) request.Content = JsonContent.Create(body, options: new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }
}
