using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QuantaProxy.Client;
using QuantaProxy.Client.Audit;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Gateway.Hosting;
using QuantaProxy.OktaSandbox;
using QuantaProxy.Gateway.ApiKeys;

namespace QuantaProxy.Cli.Commands;

/// <summary>
/// The quick start: a real gateway on a free loopback port with a throwaway data folder (SQLite, local key wrapper),
/// then the tenant's journey over HTTP — provision, register an envelope key, seal a credential, get it back only inside
/// an envelope, verify and open that envelope, watch a tampered copy be refused, and verify the audit chain.
/// Exits 0 only if every step held.
/// </summary>
public static class Quickstart
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<int> RunAsync(bool keep, TextWriter output, CancellationToken ct, bool keepRunning = false)
    {
        var started = Stopwatch.StartNew();
        var dataDir = Path.Combine(Path.GetTempPath(), "quantaproxy-quickstart-" + Guid.NewGuid().ToString("N")[..8]);
        var step = 0;
        void Say(string text) => output.WriteLine($"[{++step,2}] {text}");
        void Detail(string text) => output.WriteLine($"     {text}");
        WebApplication? app = null;
        OktaSandboxServer? okta = null;
        try
        {
            var oktaToken = "00" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
            // A service app's key pair, as Okta's admin console generates it: the public JWK is registered with the org,
            // the private JWK is sealed in the gateway and never seen again by anyone.
            using var serviceAppKey = new ServiceAppKeyPair("quickstart-key-1");
            var sandboxOptions = new SandboxOptions { ApiTokens = { oktaToken } };
            sandboxOptions.ServiceApps.Add(new SandboxServiceApp { ClientId = ServiceAppClientId, Keys = { serviceAppKey.PublicJsonWebKey } });
            using var agentKey = new ServiceAppKeyPair("quickstart-agent-key-1");
            QuickstartAgentAct.Configure(sandboxOptions, agentKey);
            okta = await OktaSandboxServer.StartAsync(sandboxOptions, "http://127.0.0.1:0", ct);
            Say($"Started an Okta sandbox org at {okta.BaseAddress} (250 users, 30 groups, 12 apps, system log; service app {ServiceAppClientId})");
            Say($"Starting a gateway on embedded defaults (SQLite + local key wrapper) in {dataDir}");
            app = await GatewayApp.CreateAsync(["--urls", "http://127.0.0.1:0"], builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["QuantaProxy:DataDir"] = dataDir,
                    // The sandbox listens on loopback http; real integrations must be https Okta domains.
                    ["QuantaProxy:Okta:AllowLoopback"] = "true",
                });
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
                builder.Logging.AddFilter("QuantaProxy.Gateway.Kms", LogLevel.Error);
            }, ct);
            await app.StartAsync(ct);
            var gateway = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var http = new HttpClient { BaseAddress = gateway };
            var adminKey = (await File.ReadAllTextAsync(Path.Combine(dataDir, AdminKeyBootstrapper.FileName), ct)).Trim();
            Detail($"gateway at {gateway}; admin key in {Path.Combine(dataDir, AdminKeyBootstrapper.FileName)} (0600)");

            Say("Creating a tenant (signing, HMAC, vault and checkpoint keys generated and wrapped by the key wrapper)");
            var tenant = await SendAsync(http, HttpMethod.Post, "/api/v2/tenants", adminKey, new { name = "quickstart" }, ct);
            var tenantId = tenant["tenant_id"]!.GetValue<string>();
            var hmacKey = Convert.FromBase64String(tenant["hmac_key"]!.GetValue<string>());
            Detail($"tenant {tenantId}, signing key {tenant["signing_key_id"]}, vault key {tenant["vault_key_id"]}; HMAC key returned once");

            Say("Issuing the tenant an API key (stored only as its SHA-256)");
            var key = await SendAsync(http, HttpMethod.Post, "/api/v2/api-keys", adminKey,
                new { tenant_id = tenantId, name = "quickstart-service", scopes = new[] { "proxy:invoke", "vault:seal", "vault:unseal", "audit:read", "admin" } }, ct);
            var apiKey = key["api_key"]!.GetValue<string>();
            Detail($"API key {key["api_key_id"]} (shown once)");

            Say("Generating the tenant's ML-KEM-768 envelope key locally and registering only its public half");
            var seed = MlKem768.GenerateSeed();
            var publicKey = MlKem768PrivateKey.FromSeed(seed).PublicKey.ToArray();
            var registered = await SendAsync(http, HttpMethod.Post, $"/api/v2/tenants/{tenantId}/envelope-keys", apiKey, new { public_key = Convert.ToBase64String(publicKey) }, ct);
            var envelopeKeyId = registered["key_id"]!.GetValue<string>();
            var keys = await SendAsync(http, HttpMethod.Get, $"/api/v2/tenants/{tenantId}/keys", apiKey, null, ct);
            using var bundle = TenantBundles.FromGatewayKeys(tenantId, envelopeKeyId, seed, hmacKey, keys);
            var bundlePath = Path.Combine(dataDir, "tenant-keys.json");
            bundle.WriteToFile(bundlePath);
            CryptographicOperations.ZeroMemory(hmacKey);
            Detail($"envelope key {envelopeKeyId}; tenant key bundle written to {bundlePath} (0600)");

            Say("Sealing the Okta API token in the vault (ML-KEM-768 + AES-256-GCM to the tenant's vault key)");
            var token = oktaToken;
            var sealedCredential = await SendAsync(http, HttpMethod.Post, "/api/v2/vault/seal", apiKey,
                new { credential_type = "api_key", name = "okta-quickstart", secret = new { token } }, ct);
            var credentialId = sealedCredential["credential_id"]!.GetValue<string>();
            Check(!sealedCredential.ToJsonString().Contains(token, StringComparison.Ordinal), "the seal answer does not echo the secret");
            Detail($"credential {credentialId} version {sealedCredential["version"]}");

            Say("Unsealing it: the gateway answers with a HybridCryptoEnvelope, never the secret in clear");
            var requestId = "req_quickstart_" + Guid.NewGuid().ToString("N")[..8];
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/vault/unseal") { Content = JsonContent.Create(new { credential_id = credentialId }, options: Json) };
            request.Headers.Add("X-API-Key", apiKey);
            request.Headers.Add("X-Request-Id", requestId);
            using var response = await http.SendAsync(request, ct);
            var envelope = await response.Content.ReadAsByteArrayAsync(ct);
            Check(response.IsSuccessStatusCode, $"unseal answered {(int)response.StatusCode}");
            Check(!Encoding.UTF8.GetString(envelope).Contains(token, StringComparison.Ordinal), "the envelope does not carry the secret in clear");
            var envelopeNode = JsonNode.Parse(envelope)!;
            Detail($"envelope: version {envelopeNode["version"]}, {envelopeNode["encrypted"]!["algorithm"]}, {envelopeNode["signature"]!["algorithm"]}, audit event {envelopeNode["audit_event_id"]}");

            Say("Verifying both signatures (ML-DSA-65 & HMAC-SHA-512) and opening it with the tenant's bundle");
            var opened = new EnvelopeVerifier(bundle).Open(envelope, requestId);
            var secret = JsonNode.Parse(opened.Plaintext)!["secret"]!["token"]!.GetValue<string>();
            Check(secret == token, "the opened envelope holds the sealed token");
            CryptographicOperations.ZeroMemory(opened.Plaintext);
            Detail("signatures valid, request id matches, fresh; the token inside equals the one sealed");

            Say("Tampering with the envelope (one flipped bit in the ciphertext) and opening it again");
            var tampered = envelopeNode.DeepClone();
            var data = Convert.FromBase64String(tampered["encrypted"]!["ciphertext_data"]!.GetValue<string>());
            data[0] ^= 1;
            tampered["encrypted"]!["ciphertext_data"] = Convert.ToBase64String(data);
            try
            {
                new EnvelopeVerifier(bundle).Open(Encoding.UTF8.GetBytes(tampered.ToJsonString()), requestId);
                Check(false, "a tampered envelope must be refused");
            }
            catch (EnvelopeRejectedException e)
            {
                Detail($"refused: {e.Reason} ({e.Message})");
            }

            Say("Creating an Okta integration: every catalog operation allowed except clear_user_sessions (default deny)");
            var allowed = new[] { "list_users", "get_user", "create_user", "update_user", "deactivate_user", "activate_user", "suspend_user", "unsuspend_user",
                "list_groups", "get_group", "list_group_members", "list_user_groups", "add_user_to_group", "remove_user_from_group",
                "list_applications", "get_application", "list_application_users", "list_user_factors", "get_system_log" };
            var integration = await SendAsync(http, HttpMethod.Post, "/api/v2/integrations", apiKey, new
            {
                system_type = "okta", name = "quickstart-okta", okta_domain = okta.BaseAddress.ToString().TrimEnd('/'), credential_id = credentialId,
                scopes = new[] { "okta.users.manage", "okta.groups.manage", "okta.apps.read", "okta.logs.read" }, allowed_operations = allowed,
            }, ct);
            var integrationId = integration["integration_id"]!.GetValue<string>();
            Detail($"integration {integrationId} → {okta.BaseAddress}");

            Say("Calling every allowed operation through POST /api/v2/proxy/outbound; each answer is an envelope, verified and opened");
            var verifier = new EnvelopeVerifier(bundle);
            async Task<JsonNode> ProxyAsync(string operation, object payload, string? through = null)
            {
                var id = "req_" + Guid.NewGuid().ToString("N")[..20];
                using var call = new HttpRequestMessage(HttpMethod.Post, "/api/v2/proxy/outbound")
                {
                    Content = JsonContent.Create(new { integration_id = through ?? integrationId, operation, payload }, options: Json),
                };
                call.Headers.Add("X-API-Key", apiKey);
                call.Headers.Add("X-Request-Id", id);
                using var answer = await http.SendAsync(call, ct);
                var bytes = await answer.Content.ReadAsByteArrayAsync(ct);
                if (!answer.IsSuccessStatusCode) throw new QuickstartFailure($"{operation} answered {(int)answer.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
                var plain = JsonNode.Parse(verifier.Open(bytes, id).Plaintext)!;
                Detail($"{operation,-22} Okta {plain["status"]} request {plain["okta_request_id"]}, rate limit {plain["rate_limit"]?["remaining"]}/{plain["rate_limit"]?["limit"]}");
                return plain;
            }
            var users = await ProxyAsync("list_users", new { limit = 3 });
            var userId = users["body"]![0]!["id"]!.GetValue<string>();
            var groupId = (await ProxyAsync("list_groups", new { limit = 3 }))["body"]![1]!["id"]!.GetValue<string>();
            var appId = (await ProxyAsync("list_applications", new { limit = 2 }))["body"]![0]!["id"]!.GetValue<string>();
            await ProxyAsync("get_system_log", new { limit = 5 });
            await ProxyAsync("get_user", new { user_id = userId });
            var created = await ProxyAsync("create_user", new { activate = true, profile = new { first_name = "Quick", last_name = "Start", email = "quick.start@example.com", login = "quick.start@example.com" } });
            var newUser = created["body"]!["id"]!.GetValue<string>();
            await ProxyAsync("update_user", new { user_id = newUser, profile = new { mobile_phone = "+1 555 0100" } });
            await ProxyAsync("add_user_to_group", new { group_id = groupId, user_id = newUser });
            await ProxyAsync("list_user_groups", new { user_id = newUser });
            await ProxyAsync("remove_user_from_group", new { group_id = groupId, user_id = newUser });
            await ProxyAsync("get_group", new { group_id = groupId });
            await ProxyAsync("list_group_members", new { group_id = groupId, limit = 5 });
            await ProxyAsync("get_application", new { app_id = appId });
            await ProxyAsync("list_application_users", new { app_id = appId, limit = 5 });
            await ProxyAsync("list_user_factors", new { user_id = userId });
            await ProxyAsync("suspend_user", new { user_id = newUser });
            await ProxyAsync("unsuspend_user", new { user_id = newUser });
            await ProxyAsync("deactivate_user", new { user_id = newUser });
            await ProxyAsync("activate_user", new { user_id = newUser });
            Check(okta.Stats.CreatedUsers == 1, "exactly one user was created in Okta");

            Say("Calling the one operation the integration does not allow (clear_user_sessions)");
            var before = okta.Stats.Requests;
            using (var forbidden = new HttpRequestMessage(HttpMethod.Post, "/api/v2/proxy/outbound")
                   {
                       Content = JsonContent.Create(new { integration_id = integrationId, operation = "clear_user_sessions", payload = new { user_id = userId } }, options: Json),
                   })
            {
                forbidden.Headers.Add("X-API-Key", apiKey);
                using var refused = await http.SendAsync(forbidden, ct);
                var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync(ct))!;
                Check((int)refused.StatusCode == 403 && problem["code"]!.GetValue<string>() == "operation_not_allowed", "the forbidden operation is refused with 403 operation_not_allowed");
                Check(okta.Stats.Requests == before, "nothing reached Okta");
                Detail($"refused: {(int)refused.StatusCode} {problem["code"]}; Okta saw no request");
            }

            Say("Signing in as an Okta service app instead of an API token: private_key_jwt + DPoP");
            var serviceCredential = await SendAsync(http, HttpMethod.Post, "/api/v2/vault/seal", apiKey, new
            {
                credential_type = "private_key_jwt", name = "okta-service-app",
                secret = serviceAppKey.CredentialSecret(ServiceAppClientId),
            }, ct);
            var serviceIntegration = (await SendAsync(http, HttpMethod.Post, "/api/v2/integrations", apiKey, new
            {
                system_type = "okta", name = "quickstart-service-app", okta_domain = okta.BaseAddress.ToString().TrimEnd('/'),
                credential_id = serviceCredential["credential_id"]!.GetValue<string>(),
                scopes = new[] { "okta.users.read", "okta.logs.read" }, allowed_operations = new[] { "list_users", "get_system_log" },
            }, ct))["integration_id"]!.GetValue<string>();
            Detail($"sealed the service app's private JWK as {serviceCredential["credential_id"]}; integration {serviceIntegration} with scopes okta.users.read okta.logs.read");
            var tokenRequestsBefore = okta.Stats.TokenRequests;
            for (var i = 0; i < 3; i++) await ProxyAsync("list_users", new { limit = 2 }, serviceIntegration);
            await ProxyAsync("get_system_log", new { limit = 2 }, serviceIntegration);
            var tokenRequests = okta.Stats.TokenRequests - tokenRequestsBefore;
            Check(tokenRequests == 2, "one DPoP-bound token (the use_dpop_nonce round + the token request) served all four calls");
            Detail($"Okta's token endpoint saw {tokenRequests} requests (client assertion, use_dpop_nonce round, DPoP-bound token); every call carried a fresh DPoP proof");

            await QuickstartAgentAct.RunAsync(http, okta, oktaToken, agentKey, apiKey, integrationId, verifier, new QuickstartAgentAct.Steps(Say, Detail, Check), ct);
            await QuickstartPolicyAct.RunAsync(http, adminKey, tenantId, apiKey, integrationId, newUser, verifier, new QuickstartAgentAct.Steps(Say, Detail, Check), ct);

            Say("Verifying the tenant's audit chain (every request above is an event)");
            var verify = await SendAsync(http, HttpMethod.Get, "/api/v2/audit/verify", apiKey, null, ct);
            Check(verify["valid"]!.GetValue<bool>(), "the audit chain verifies");
            var events = await SendAsync(http, HttpMethod.Get, "/api/v2/audit/events?limit=1000", apiKey, null, ct);
            var listed = events["events"]!.AsArray();
            foreach (var e in listed.Take(6).Concat(listed.Skip(Math.Max(6, listed.Count - 4))))
                Detail($"#{e!["seq"]} {e["type"],-16} {e["operation"],-22} {e["outcome"],-20} hash {e["hash"]!.GetValue<string>()[..16]}…");
            Detail($"valid: {verify["events_checked"]} events, head #{verify["head"]!["seq"]}");

            Say("Proving the unseal's audit event is in the tenant's log: signed checkpoint + Merkle inclusion proof, checked with the bundle only");
            var checkpoint = await SendAsync(http, HttpMethod.Get, "/api/v2/audit/checkpoint", apiKey, null, ct);
            var checkpointText = checkpoint["checkpoint"]!.GetValue<string>();
            var proofVerifier = new AuditProofVerifier(bundle);
            var signed = proofVerifier.VerifyCheckpoint(checkpointText);
            var unsealEventId = envelopeNode["audit_event_id"]!.GetValue<string>();
            var proof = await SendAsync(http, HttpMethod.Get, $"/api/v2/audit/events/{unsealEventId}/proof?tree_size={signed.TreeSize}", apiKey, null, ct);
            var unsealEvent = events["events"]!.AsArray().Single(e => e!["event_id"]!.GetValue<string>() == unsealEventId)!;
            proofVerifier.VerifyInclusion(new InclusionProof(unsealEventId, proof["seq"]!.GetValue<long>(), proof["leaf_index"]!.GetValue<long>(), proof["tree_size"]!.GetValue<long>(),
                proof["leaf_hash"]!.GetValue<string>(), proof["root_hash"]!.GetValue<string>(), proof["proof"]!.AsArray().Select(p => p!.GetValue<string>()).ToList()),
                checkpointText, Convert.FromHexString(unsealEvent["hash"]!.GetValue<string>()));
            Detail($"checkpoint of {signed.TreeSize} events signed with ML-DSA-65 by the tenant's checkpoint key; event {unsealEventId} included (proof of {proof["proof"]!.AsArray().Count} hashes)");

            output.WriteLine($"quickstart: all checks held in {started.Elapsed.TotalSeconds:F1} s");
            if (keepRunning)
            {
                output.WriteLine($"console: {new Uri(gateway, $"/console/signin?tenant_id={tenantId}")}");
                output.WriteLine($"         sign in with the admin key in {Path.Combine(dataDir, AdminKeyBootstrapper.FileName)}; the Okta sandbox is at {okta.BaseAddress}");
                output.WriteLine($"         API: QUANTAPROXY_URL={gateway} QUANTAPROXY_API_KEY=<tenant key above>; Ctrl+C stops the gateway and the sandbox");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                }
            }
            return 0;
        }
        catch (Exception e) when (e is QuickstartFailure or HttpRequestException or EnvelopeRejectedException or JsonException or InvalidOperationException or AuditProofException)
        {
            output.WriteLine($"quickstart FAILED at step {step}: {e.Message}");
            return 1;
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
            if (okta is not null) await okta.DisposeAsync();
            if (keep) output.WriteLine($"data folder kept: {dataDir}");
            else TryDelete(dataDir);
        }
    }

    private static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string path, string apiKey, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", apiKey);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new QuickstartFailure($"{method} {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition) throw new QuickstartFailure($"check failed: {what}");
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private const string ServiceAppClientId = "0oaquickstartsvc";
    private sealed class QuickstartFailure(string message) : Exception(message);
}
