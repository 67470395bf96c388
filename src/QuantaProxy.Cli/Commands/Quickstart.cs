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

    public static async Task<int> RunAsync(bool keep, TextWriter output, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var dataDir = Path.Combine(Path.GetTempPath(), "quantaproxy-quickstart-" + Guid.NewGuid().ToString("N")[..8]);
        var step = 0;
        void Say(string text) => output.WriteLine($"[{++step,2}] {text}");
        void Detail(string text) => output.WriteLine($"     {text}");
        WebApplication? app = null;
        try
        {
            Say($"Starting a gateway on embedded defaults (SQLite + local key wrapper) in {dataDir}");
            app = await GatewayApp.CreateAsync(["--urls", "http://127.0.0.1:0"], builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["QuantaProxy:DataDir"] = dataDir });
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
            using var bundle = new TenantKeyBundle(tenantId, [new TenantKeyBundle.EnvelopeKey(envelopeKeyId, seed)],
                keys["signing_keys"]!.AsArray().Select(k => new TenantKeyBundle.SigningKey(k!["key_id"]!.GetValue<string>(),
                    MlDsa65PublicKey.FromEncoding(Convert.FromBase64String(k["public_key"]!.GetValue<string>())))).ToList(),
                hmacKey,
                keys["checkpoint_keys"]!.AsArray().Select(k => new TenantKeyBundle.CheckpointKey(k!["name"]!.GetValue<string>(),
                    MlDsa65PublicKey.FromEncoding(Convert.FromBase64String(k["public_key"]!.GetValue<string>())))).ToList());
            var bundlePath = Path.Combine(dataDir, "tenant-keys.json");
            bundle.WriteToFile(bundlePath);
            CryptographicOperations.ZeroMemory(hmacKey);
            Detail($"envelope key {envelopeKeyId}; tenant key bundle written to {bundlePath} (0600)");

            Say("Sealing an Okta API token in the vault (ML-KEM-768 + AES-256-GCM to the tenant's vault key)");
            var token = "00" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('/', 'x').Replace('+', 'y');
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

            Say("Verifying the tenant's audit chain (every request above is an event)");
            var verify = await SendAsync(http, HttpMethod.Get, "/api/v2/audit/verify", apiKey, null, ct);
            Check(verify["valid"]!.GetValue<bool>(), "the audit chain verifies");
            var events = await SendAsync(http, HttpMethod.Get, "/api/v2/audit/events", apiKey, null, ct);
            foreach (var e in events["events"]!.AsArray())
                Detail($"#{e!["seq"]} {e["type"],-16} {e["outcome"],-12} hash {e["hash"]!.GetValue<string>()[..16]}…");
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

    private sealed class QuickstartFailure(string message) : Exception(message);
}
