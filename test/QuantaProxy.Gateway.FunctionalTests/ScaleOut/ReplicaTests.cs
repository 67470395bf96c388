using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.ScaleOut;

/// <summary>
/// Separate gateway processes on one store: appends from all of them land in the same per-tenant chains with no fork,
/// gap or duplicate, and every event id a caller was given is in the chain — also across kill -9.
/// </summary>
public sealed class ReplicaTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "qp-replicas-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string> Environment(string adminKey, string name, PostgresDatabase? postgres) => new()
    {
        ["QuantaProxy__DataDir"] = Path.Combine(_dir, name),
        ["QuantaProxy__Bootstrap__AdminKey"] = adminKey,
        ["QuantaProxy__Kms__LocalMasterKeyPath"] = Path.Combine(_dir, "shared-master.key"),
        ["QuantaProxy__Audit__CheckpointInterval"] = "00:00:00",
        ["QuantaProxy__RateLimits__PerKeyPerSecond"] = "100000",
        ["QuantaProxy__RateLimits__PerKeyBurst"] = "100000",
        ["QuantaProxy__RateLimits__PerTenantPerSecond"] = "100000",
        ["QuantaProxy__Storage__Provider"] = postgres is null ? "Sqlite" : "Postgres",
        ["QuantaProxy__Storage__ConnectionString"] = postgres?.ConnectionString ?? "",
        ["QuantaProxy__Storage__SqlitePath"] = Path.Combine(_dir, "shared.db"),
    };

    private static async Task<JsonNode> OkAsync(HttpClient http, HttpMethod method, Uri gateway, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(gateway, path));
        request.Headers.Add("X-API-Key", key);
        if (body is not null) request.Content = JsonContent.Create(body, options: GatewayHost.Json);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<(string TenantId, string Key)> TenantAsync(HttpClient http, Uri gateway, string admin, string name)
    {
        var tenant = await OkAsync(http, HttpMethod.Post, gateway, "/api/v2/tenants", admin, new { name });
        var tenantId = tenant["tenant_id"]!.GetValue<string>();
        var key = await OkAsync(http, HttpMethod.Post, gateway, "/api/v2/api-keys", admin, new { tenant_id = tenantId, name = "load", scopes = new[] { "vault:seal", "audit:read" } });
        return (tenantId, key["api_key"]!.GetValue<string>());
    }

    /// <summary>Every event id in <paramref name="answered"/> must be in the tenant's verified chain.</summary>
    private static async Task AssertChainHoldsAsync(HttpClient http, Uri gateway, string key, IEnumerable<string> answered)
    {
        var verify = await OkAsync(http, HttpMethod.Get, gateway, "/api/v2/audit/verify", key);
        Assert.That(verify["valid"]!.GetValue<bool>(), Is.True, verify.ToJsonString());
        var ids = new HashSet<string>(StringComparer.Ordinal);
        long after = 0, expected = 1;
        while (true)
        {
            var page = (await OkAsync(http, HttpMethod.Get, gateway, $"/api/v2/audit/events?after={after}&limit=1000", key))["events"]!.AsArray();
            foreach (var e in page)
            {
                Assert.That(e!["seq"]!.GetValue<long>(), Is.EqualTo(expected++), "gapless, no duplicates");
                Assert.That(ids.Add(e["event_id"]!.GetValue<string>()), Is.True, "event ids are unique");
                after = e["seq"]!.GetValue<long>();
            }
            if (page.Count < 1000) break;
        }
        var missing = answered.Where(id => !ids.Contains(id)).ToList();
        Assert.That(missing, Is.Empty, "every answered call has its event");
    }

    [Test]
    public async Task Three_processes_on_one_postgres_append_to_shared_chains_without_forks_or_gaps()
    {
        await using var postgres = await PostgresDatabase.CreateAsync();
        var admin = ApiKeyFormat.Generate();
        var replicas = new List<GatewayProcess>();
        try
        {
            for (var i = 0; i < 3; i++) replicas.Add(await GatewayProcess.StartAsync(Environment(admin, $"r{i}", postgres)));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var tenants = new List<(string TenantId, string Key)>();
            for (var t = 0; t < 3; t++) tenants.Add(await TenantAsync(http, replicas[t].BaseAddress, admin, $"tenant-{t}"));
            var answered = new ConcurrentDictionary<string, ConcurrentBag<string>>();
            var stop = DateTime.UtcNow.AddSeconds(4);
            await Task.WhenAll(Enumerable.Range(0, 24).Select(async w =>
            {
                var n = 0;
                while (DateTime.UtcNow < stop)
                {
                    var (tenantId, key) = tenants[(w + n) % tenants.Count];
                    var replica = replicas[(w + n / 3) % replicas.Count];
                    var result = await OkAsync(http, HttpMethod.Post, replica.BaseAddress, "/api/v2/vault/seal", key, new { credential_type = "api_key", name = $"w{w}", secret = new { token = "t" } });
                    answered.GetOrAdd(tenantId, _ => []).Add(result["audit_event_id"]!.GetValue<string>());
                    n++;
                }
            }));
            Assert.That(answered.Values.Sum(b => b.Count), Is.GreaterThan(100));
            foreach (var (tenantId, key) in tenants)
                await AssertChainHoldsAsync(http, replicas[2].BaseAddress, key, answered.GetValueOrDefault(tenantId) ?? []);
        }
        finally
        {
            foreach (var r in replicas) await r.DisposeAsync();
        }
    }

    [TestCase(StoreKind.Sqlite)]
    [TestCase(StoreKind.Postgres)]
    public async Task Kill_9_under_load_ten_times_loses_no_answered_event(StoreKind store)
    {
        await using var postgres = store == StoreKind.Postgres ? await PostgresDatabase.CreateAsync() : null;
        var admin = ApiKeyFormat.Generate();
        var environment = Environment(admin, "crash", postgres);
        var port = GatewayProcess.FreePort();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var gateway = await GatewayProcess.StartAsync(environment, port);
        var (_, key) = await TenantAsync(http, gateway.BaseAddress, admin, "crash");
        var answered = new ConcurrentBag<string>();
        var random = new Random(42);
        try
        {
            for (var round = 0; round < 10; round++)
            {
                using var cancel = new CancellationTokenSource();
                var load = Enumerable.Range(0, 8).Select(async w =>
                {
                    while (!cancel.IsCancellationRequested)
                    {
                        try
                        {
                            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway.BaseAddress, "/api/v2/vault/seal"))
                            {
                                Content = JsonContent.Create(new { credential_type = "api_key", name = $"r{round}w{w}", secret = new { token = "t" } }, options: GatewayHost.Json),
                            };
                            request.Headers.Add("X-API-Key", key);
                            using var response = await http.SendAsync(request, cancel.Token);
                            // A call counts as answered only once its full answer (with the event id) was received.
                            if (response.StatusCode == HttpStatusCode.Created)
                                answered.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync(cancel.Token))!["audit_event_id"]!.GetValue<string>());
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException or IOException or System.Text.Json.JsonException)
                        {
                            await Task.Delay(20, CancellationToken.None);
                        }
                    }
                }).ToList();
                await Task.Delay(300 + random.Next(500));
                await gateway.KillHardAsync();
                await cancel.CancelAsync();
                await Task.WhenAll(load);
                await gateway.DisposeAsync();
                gateway = await GatewayProcess.StartAsync(environment, port);
            }
            Assert.That(answered, Has.Count.GreaterThan(50));
            await AssertChainHoldsAsync(http, gateway.BaseAddress, key, answered);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
