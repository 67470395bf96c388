using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Gateway.Hosting;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.LoadBenchmark;

/// <summary>
/// Closed-loop load on loopback: N clients call (a) the Okta sandbox directly and (c) the full proxy
/// (<c>/api/v2/proxy/outbound list_users</c> with envelope and audit), for a fixed time each; plus the crypto ceiling
/// measured in the same run. Sandbox, gateway and clients share this process (and the machine's 2 cores).
/// </summary>
public static class ProxyLoadBenchmark
{
    public sealed record Row(string Target, int Clients, long Requests, long Errors, double Seconds, double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms);

    public sealed record Report(IReadOnlyList<Row> Rows, double CryptoCeilingPerSecond, long KmsUnwrapCalls, long ProxiedCalls, double KmsUnwrapsPer1000, double OktaTokenRequestsPer1000);

    public static async Task<Report> RunAsync(int[] clients, TimeSpan duration)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "qp-bench-load-" + Guid.NewGuid().ToString("N"));
        const string oktaToken = "00bench-sandbox-token";
        await using var okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { oktaToken }, RateLimitPerMinute = 100_000_000 });
        var app = await GatewayApp.CreateAsync(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["QuantaProxy:DataDir"] = dataDir,
                ["QuantaProxy:Okta:AllowLoopback"] = "true",
                ["QuantaProxy:RateLimits:PerKeyPerSecond"] = "0",
                ["QuantaProxy:RateLimits:PerTenantPerSecond"] = "0",
                ["QuantaProxy:Okta:MaxConcurrencyPerIntegration"] = "256",
            });
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        try
        {
            var gateway = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { Timeout = TimeSpan.FromSeconds(30) };
            var (apiKey, integrationId, bundle) = await ProvisionAsync(http, gateway, dataDir, okta.BaseAddress, oktaToken);

            // One answer opened and verified, so the load below measures what it claims to.
            var check = await ProxyOnceAsync(http, gateway, apiKey, integrationId);
            using (var opened = bundle)
            {
                var plaintext = new EnvelopeOpener(opened).Open(check).Plaintext;
                if (JsonNode.Parse(plaintext)!["status"]!.GetValue<int>() != 200) throw new InvalidOperationException("the benchmark call does not succeed");
            }

            var cache = app.Services.GetRequiredService<UnwrappedKeyCache>();
            var rows = new List<Row>();
            long proxied = 0;
            var unwrapsBefore = cache.GetStats().UnwrapCalls;
            var tokensBefore = okta.Stats.TokenRequests;
            foreach (var n in clients)
            {
                rows.Add(await LoopAsync("sandbox direct", n, duration, async () =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(okta.BaseAddress, "/api/v1/users?limit=20"));
                    request.Headers.Authorization = new AuthenticationHeaderValue("SSWS", oktaToken);
                    using var response = await http.SendAsync(request);
                    await response.Content.ReadAsByteArrayAsync();
                    return response.IsSuccessStatusCode;
                }));
                var row = await LoopAsync("full proxy (envelope + audit)", n, duration, async () =>
                {
                    await ProxyOnceAsync(http, gateway, apiKey, integrationId);
                    return true;
                });
                proxied += row.Requests;
                rows.Add(row);
            }
            var unwraps = cache.GetStats().UnwrapCalls - unwrapsBefore;
            var tokens = okta.Stats.TokenRequests - tokensBefore;
            var ceiling = MeasureCryptoCeiling(TimeSpan.FromSeconds(5));
            return new Report(rows, ceiling, unwraps, proxied, proxied == 0 ? 0 : unwraps * 1000.0 / proxied, proxied == 0 ? 0 : tokens * 1000.0 / proxied);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<byte[]> ProxyOnceAsync(HttpClient http, Uri gateway, string apiKey, string integrationId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/api/v2/proxy/outbound"))
        {
            Content = JsonContent.Create(new { integration_id = integrationId, operation = "list_users", payload = new { limit = 20 } }),
        };
        request.Headers.Add("X-API-Key", apiKey);
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"proxy answered {(int)response.StatusCode}");
        return bytes;
    }

    private static async Task<Row> LoopAsync(string target, int clients, TimeSpan duration, Func<Task<bool>> call)
    {
        // Warm-up, then the measured window.
        await RunWindowAsync(clients, TimeSpan.FromSeconds(1), call, null);
        var latencies = new List<double>[clients];
        var errors = new long[clients];
        var watch = Stopwatch.StartNew();
        await RunWindowAsync(clients, duration, call, (i, ms, ok) =>
        {
            (latencies[i] ??= new List<double>(4096)).Add(ms);
            if (!ok) errors[i]++;
        });
        var seconds = watch.Elapsed.TotalSeconds;
        var all = latencies.Where(l => l is not null).SelectMany(l => l).Order().ToArray();
        double P(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        return new Row(target, clients, all.Length, errors.Sum(), seconds, all.Length / seconds, P(0.50), P(0.90), P(0.99));
    }

    private static Task RunWindowAsync(int clients, TimeSpan duration, Func<Task<bool>> call, Action<int, double, bool>? record)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await call();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    ok = false;
                }
                record?.Invoke(i, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok);
            }
        })));
    }

    /// <summary>Envelopes of 1 KiB sealed per second with one thread per core, nothing else running.</summary>
    public static double MeasureCryptoCeiling(TimeSpan duration)
    {
        using var baseline = new SeparateProcess.CryptoBaseline();
        return baseline.CeilingPerSecond(1024, duration);
    }

    /// <summary>Tenant, API key, envelope key, sealed <c>api_key</c> credential and a <c>list_users</c> integration, over HTTP.</summary>
    internal static async Task<(string ApiKey, string IntegrationId, TenantKeyBundle Bundle)> ProvisionAsync(HttpClient http, Uri gateway, string dataDir, Uri okta, string oktaToken)
    {
        var admin = (await File.ReadAllTextAsync(Path.Combine(dataDir, "admin-key"))).Trim();
        async Task<JsonNode> Send(HttpMethod method, string path, string key, object body)
        {
            using var request = new HttpRequestMessage(method, new Uri(gateway, path)) { Content = JsonContent.Create(body, options: new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }) };
            request.Headers.Add("X-API-Key", key);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {text}");
            return JsonNode.Parse(text)!;
        }
        var tenant = await Send(HttpMethod.Post, "/api/v2/tenants", admin, new { name = "bench" });
        var tenantId = tenant["tenant_id"]!.GetValue<string>();
        var key = (await Send(HttpMethod.Post, "/api/v2/api-keys", admin, new { tenant_id = tenantId, name = "bench", scopes = new[] { "admin" } }))["api_key"]!.GetValue<string>();
        var seed = MlKem768.GenerateSeed();
        var ekk = (await Send(HttpMethod.Post, $"/api/v2/tenants/{tenantId}/envelope-keys", key, new { public_key = Convert.ToBase64String(MlKem768PrivateKey.FromSeed(seed).PublicKey.ToArray()) }))["key_id"]!.GetValue<string>();
        var credential = (await Send(HttpMethod.Post, "/api/v2/vault/seal", key, new { credential_type = "api_key", name = "okta", secret = new { token = oktaToken } }))["credential_id"]!.GetValue<string>();
        var integration = (await Send(HttpMethod.Post, "/api/v2/integrations", key, new
        {
            system_type = "okta", name = "bench", okta_domain = okta.ToString().TrimEnd('/'), credential_id = credential,
            scopes = new[] { "okta.users.read" }, allowed_operations = new[] { "list_users" },
        }))["integration_id"]!.GetValue<string>();
        using var keysRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, $"/api/v2/tenants/{tenantId}/keys"));
        keysRequest.Headers.Add("X-API-Key", key);
        using var keysResponse = await http.SendAsync(keysRequest);
        var keys = JsonNode.Parse(await keysResponse.Content.ReadAsStringAsync())!;
        var bundle = QuantaProxy.Client.TenantBundles.FromGatewayKeys(tenantId, ekk, seed, Convert.FromBase64String(tenant["hmac_key"]!.GetValue<string>()), keys);
        return (key, integration, bundle);
    }
}
