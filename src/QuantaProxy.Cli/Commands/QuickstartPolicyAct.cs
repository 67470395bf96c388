using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaProxy.Client;

namespace QuantaProxy.Cli.Commands;

/// <summary>
/// The quick start's policy act: a Cedar policy set that forbids deactivations (with its reason) and holds suspensions for a
/// second person's approval; a denied call, and a held call that runs once after an approver approves it.
/// </summary>
internal static class QuickstartPolicyAct
{
    public const string Policies = """
        @id("everything-else")
        permit(principal, action, resource)
        unless { action == QuantaProxy::Action::"suspend_user" };

        @id("no-deactivation-through-services")
        @reason("Deactivations are done in Okta by the identity team, not by services")
        forbid(principal, action == QuantaProxy::Action::"deactivate_user", resource);

        @id("suspend-needs-approval")
        @approval("1")
        @reason("Suspending a user needs a second person's approval")
        permit(principal, action == QuantaProxy::Action::"suspend_user", resource);
        """;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task RunAsync(HttpClient gateway, string adminKey, string tenantId, string apiKey, string integrationId, string userId,
        EnvelopeVerifier verifier, QuickstartAgentAct.Steps steps, CancellationToken ct)
    {
        var (say, detail, check) = (steps.Say, steps.Detail, steps.Check);
        say("Policies: uploading a Cedar policy set (forbid deactivations with a reason; suspensions need a second person's approval)");
        var uploaded = await SendAsync(gateway, HttpMethod.Put, "/api/v2/policies", apiKey, new { policies = Policies }, ct);
        check(uploaded.Status == 200, $"the policy set was accepted ({uploaded.Status}: {uploaded.Body})");
        detail($"version {uploaded.Body["version"]}, sha256 {uploaded.Body["sha256"]?.GetValue<string>()[..16]}…");

        say("A deactivation is refused before Okta, naming the determining policy and its reason");
        var denied = await SendAsync(gateway, HttpMethod.Post, "/api/v2/proxy/outbound", apiKey,
            new { integration_id = integrationId, operation = "deactivate_user", payload = new { user_id = userId } }, ct);
        check(denied.Status == 403 && denied.Body["code"]?.GetValue<string>() == "policy_denied", $"deactivate_user is denied by policy ({denied.Status})");
        detail($"{denied.Status} {denied.Body["code"]}: {denied.Body["detail"]}");

        say("A suspension is held for approval (202 + Location), approved by a second person, then runs once");
        var approverKey = (await SendAsync(gateway, HttpMethod.Post, "/api/v2/api-keys", adminKey,
            new { tenant_id = tenantId, name = "quickstart-approver", scopes = new[] { "approvals:decide" } }, ct)).Body["api_key"]!.GetValue<string>();
        var held = await SendAsync(gateway, HttpMethod.Post, "/api/v2/proxy/outbound", apiKey,
            new { integration_id = integrationId, operation = "suspend_user", payload = new { user_id = userId } }, ct);
        check(held.Status == 202 && held.Location is not null, $"suspend_user is held for approval ({held.Status})");
        var self = await SendAsync(gateway, HttpMethod.Post, held.Location + "/approve", apiKey, null, ct);
        check(self.Status is 403 or 404, $"the caller cannot approve its own call ({self.Status})");
        var approved = await SendAsync(gateway, HttpMethod.Post, held.Location + "/approve", approverKey, null, ct);
        check(approved.Status == 200, $"the approver's approval was taken ({approved.Status}: {approved.Body})");
        JsonNode state = approved.Body;
        for (var i = 0; i < 50 && state["state"]?.GetValue<string>() is not ("executed" or "failed"); i++)
        {
            await Task.Delay(100, ct);
            state = (await SendAsync(gateway, HttpMethod.Get, held.Location!, apiKey, null, ct)).Body;
        }
        check(state["state"]?.GetValue<string>() == "executed", $"the approved call ran (state {state["state"]})");
        var envelope = Encoding.UTF8.GetBytes(state["envelope"]!.ToJsonString());
        var plain = JsonNode.Parse(verifier.Open(envelope, state["request_id"]!.GetValue<string>()).Plaintext)!;
        check(plain["status"]!.GetValue<int>() == 200, "Okta suspended the user once the call was approved");
        detail($"approval {state["approval_id"]}: {state["approvals_required"]} approval needed, approved by {string.Join(", ", state["approvers"]!.AsArray())}; " +
               $"the caller fetched the envelope from the approval: Okta {plain["status"]}");
    }

    private static async Task<(int Status, JsonNode Body, string? Location)> SendAsync(HttpClient http, HttpMethod method, string path, string apiKey, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", apiKey);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return ((int)response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!, response.Headers.Location?.ToString());
    }
}
