using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.Gateway.Vault;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Proxy;

/// <summary>
/// An <c>api_key</c> credential is decapsulated once per version and TTL, not once per call; whether it may be used is
/// still decided on every call (rotation and destruction take effect at once). Counted by the gateway's own
/// <c>vault.decapsulate</c> spans for the test's credential, against the sandbox over HTTP.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class UnsealedCredentialCacheTests
{
    private const string Token = "00cache-sandbox-token";
    private const string NextToken = "00cache-sandbox-token-2";
    private OktaSandboxServer _okta = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token, NextToken }, SeedUsers = 5 });

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Nothing to stop when the fixture was inconclusive (no server) before it started anything.
        if (_okta is not null) await _okta.DisposeAsync();
    }

    [Test]
    public async Task Repeated_calls_decapsulate_the_api_key_once()
    {
        await using var host = await GatewayHost.StartAsync();
        var (tenant, credential, integration) = await ProvisionAsync(host);
        using var decapsulations = new DecapsulationCounter(credential);

        for (var i = 0; i < 6; i++) Assert.That(await StatusAsync(host, tenant, integration), Is.EqualTo(200));

        Assert.That(decapsulations.Versions, Is.EqualTo(new[] { 1 }), "one decapsulation for six calls");
        var stats = host.Services.GetRequiredService<UnsealedCredentialCache>().GetStats();
        Assert.That(stats.Hits, Is.EqualTo(5));
    }

    [Test]
    public async Task A_rotated_credential_is_used_from_the_next_call_on()
    {
        await using var host = await GatewayHost.StartAsync();
        var (tenant, credential, integration) = await ProvisionAsync(host);
        using var decapsulations = new DecapsulationCounter(credential);
        Assert.That(await StatusAsync(host, tenant, integration), Is.EqualTo(200));

        // A token the org does not know: the very next call must present it (and get Okta's 401), not the cached one.
        await host.OkAsync(HttpMethod.Put, $"/api/v2/vault/{credential}", tenant.ApiKey, new { secret = new { token = "00not-a-token-of-this-org" } });
        Assert.That(await StatusAsync(host, tenant, integration), Is.EqualTo(401));

        await host.OkAsync(HttpMethod.Put, $"/api/v2/vault/{credential}", tenant.ApiKey, new { secret = new { token = NextToken } });
        Assert.That(await StatusAsync(host, tenant, integration), Is.EqualTo(200));
        Assert.That(await StatusAsync(host, tenant, integration), Is.EqualTo(200));

        Assert.That(decapsulations.Versions, Is.EqualTo(new[] { 1, 2, 3 }), "each version decapsulated once");
        var cache = host.Services.GetRequiredService<UnsealedCredentialCache>();
        Assert.That(cache.Evict(tenant.TenantId, credential, 1), Is.False, "rotation dropped the replaced version");
        Assert.That(cache.Evict(tenant.TenantId, credential, 2), Is.False, "rotation dropped the replaced version");
    }

    [Test]
    public async Task A_destroyed_credential_is_refused_though_its_plaintext_was_in_memory()
    {
        await using var host = await GatewayHost.StartAsync();
        var (tenant, credential, integration) = await ProvisionAsync(host);
        Assert.That(await StatusAsync(host, tenant, integration), Is.EqualTo(200));
        var cache = host.Services.GetRequiredService<UnsealedCredentialCache>();
        Assert.That(cache.GetStats().Entries, Is.EqualTo(1));

        await host.OkAsync(HttpMethod.Delete, $"/api/v2/vault/{credential}", tenant.ApiKey);
        Assert.That(cache.GetStats().Entries, Is.Zero, "destroying the credential dropped its plaintext");
        var oktaRequests = _okta.Stats.Requests;
        var (response, problem) = await host.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", tenant.ApiKey,
            new { integration_id = integration, operation = "list_users", payload = new { limit = 1 } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), problem?.ToJsonString());
        Assert.That(_okta.Stats.Requests, Is.EqualTo(oktaRequests), "nothing reached Okta");
    }

    [Test]
    public async Task Another_replica_sees_a_destruction_on_its_next_call()
    {
        await using var first = await GatewayHost.StartAsync();
        await using var second = await GatewayHost.StartOnExistingAsync(first);
        var (tenant, credential, integration) = await ProvisionAsync(first);
        Assert.That(await StatusAsync(second, tenant, integration), Is.EqualTo(200));
        Assert.That(second.Services.GetRequiredService<UnsealedCredentialCache>().GetStats().Entries, Is.EqualTo(1));

        await first.OkAsync(HttpMethod.Delete, $"/api/v2/vault/{credential}", tenant.ApiKey);
        var (response, _) = await second.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", tenant.ApiKey,
            new { integration_id = integration, operation = "list_users", payload = new { limit = 1 } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the replica holding the plaintext refuses it");
    }

    [Test]
    public async Task An_entry_expires_after_its_ttl_and_a_zero_ttl_turns_the_cache_off()
    {
        var clock = new SandboxClock();
        await using (var host = await GatewayHost.StartAsync(settings: new Dictionary<string, string?> { ["QuantaProxy:Vault:UnsealedCacheTtl"] = "00:00:01" },
                         configure: b => b.Services.AddSingleton<TimeProvider>(clock)))
        {
            var (tenant, credential, integration) = await ProvisionAsync(host);
            using var decapsulations = new DecapsulationCounter(credential);
            Assert.That(await StatusAsync(host, tenant, integration), Is.EqualTo(200));
            Assert.That(await StatusAsync(host, tenant, integration), Is.EqualTo(200));
            clock.Advance(TimeSpan.FromSeconds(1.3));
            Assert.That(await StatusAsync(host, tenant, integration), Is.EqualTo(200));
            Assert.That(decapsulations.Versions, Has.Length.InRange(2, 3), "unsealed again after the TTL");
        }

        await using (var host = await GatewayHost.StartAsync(settings: new Dictionary<string, string?> { ["QuantaProxy:Vault:UnsealedCacheTtl"] = "00:00:00" }))
        {
            var (tenant, credential, integration) = await ProvisionAsync(host);
            using var decapsulations = new DecapsulationCounter(credential);
            for (var i = 0; i < 3; i++) Assert.That(await StatusAsync(host, tenant, integration), Is.EqualTo(200));
            Assert.That(decapsulations.Versions, Is.EqualTo(new[] { 1, 1, 1 }), "every call unseals");
            Assert.That(host.Services.GetRequiredService<UnsealedCredentialCache>().GetStats().Entries, Is.Zero);
        }
    }

    [Test]
    public void Out_of_range_settings_stop_the_start()
    {
        var e = Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
            await (await GatewayHost.StartAsync(settings: new Dictionary<string, string?> { ["QuantaProxy:Vault:UnsealedCacheTtl"] = "02:00:00" })).DisposeAsync());
        Assert.That(e!.Message, Does.Contain("QuantaProxy:Vault:UnsealedCacheTtl"));
    }

    private async Task<(TenantSession Tenant, string Credential, string Integration)> ProvisionAsync(GatewayHost host)
    {
        var tenant = await TenantSession.CreateAsync(host, "cache");
        var (credential, integration) = await tenant.ListUsersIntegrationAsync(host, _okta.BaseAddress, Token);
        return (tenant, credential, integration);
    }

    /// <summary>The Okta status inside the envelope of one <c>list_users</c> call.</summary>
    private static async Task<int> StatusAsync(GatewayHost host, TenantSession tenant, string integration)
    {
        using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", tenant.ApiKey, new { integration_id = integration, operation = "list_users", payload = new { limit = 1 } });
        using var response = await host.Client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), Encoding.UTF8.GetString(bytes));
        var bundle = await tenant.BundleJsonAsync(host);
        var answer = JsonNode.Parse(EnvelopeTestOpener.Open(bundle, bytes, response.Headers.GetValues("X-Request-Id").Single()))!;
        return answer["status"]!.GetValue<int>();
    }

    /// <summary>The versions of one credential decapsulated while it lives, in order.</summary>
    private sealed class DecapsulationCounter : IDisposable
    {
        private readonly ConcurrentQueue<int> _versions = new();
        private readonly ActivityListener _listener;

        public DecapsulationCounter(string credentialId)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == "QuantaProxy",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a =>
                {
                    if (a.OperationName == "vault.decapsulate" && (string?)a.GetTagItem("qp.credential_id") == credentialId)
                        _versions.Enqueue((int)a.GetTagItem("qp.credential_version")!);
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public int[] Versions => [.. _versions];

        public void Dispose() => _listener.Dispose();
    }
}
