using System.Net;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Auth;

/// <summary>Global admin keys can be created, rotated and revoked, never down to none, each step in the system chain.</summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class AdminKeyLifecycleTests(StoreKind store)
{
    private GatewayHost _host = null!;

    // Checked once for the fixture: an inconclusive result raised in a per-test SetUp did not stop the test body.
    [OneTimeSetUp]
    public void RequireStore()
    {
        if (store == StoreKind.Postgres) _ = TestEnvironment.PostgresConnectionString;
    }

    [SetUp]
    public async Task StartAsync() => _host = await GatewayHost.StartAsync(store);

    [TearDown]
    public async Task StopAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    [Test]
    public async Task The_bootstrap_key_is_rotated_and_the_old_one_stops_working_at_once()
    {
        var rotated = await _host.OkAsync(HttpMethod.Get, "/api/v2/admin-keys", _host.AdminKey);
        var bootstrapId = rotated["admin_keys"]![0]!["api_key_id"]!.GetValue<string>();
        var issued = await _host.OkAsync(HttpMethod.Post, $"/api/v2/admin-keys/{bootstrapId}/rotate", _host.AdminKey);
        var newKey = issued["api_key"]!.GetValue<string>();
        Assert.That(issued["replaces"]!.GetValue<string>(), Is.EqualTo(bootstrapId));

        var (old, _) = await _host.SendAsync(HttpMethod.Get, "/api/v2/admin-keys", _host.AdminKey);
        Assert.That(old.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the replaced key is revoked in the same step");
        var list = await _host.OkAsync(HttpMethod.Get, "/api/v2/admin-keys", newKey);
        Assert.That(list["admin_keys"]!.AsArray().Count(k => k!["revoked_at"] is null), Is.EqualTo(1));

        var events = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?tenant_id=system", newKey);
        var kinds = events["events"]!.AsArray().Select(e => $"{e!["type"]!.GetValue<string>()}:{e["outcome"]!.GetValue<string>()}").ToList();
        Assert.That(kinds, Is.SupersetOf(new[] { "apikey.revoke:intent", "apikey.revoke:rotated" }));
        Assert.That(kinds.IndexOf("apikey.revoke:intent"), Is.LessThan(kinds.IndexOf("apikey.revoke:rotated")), "the intent is durable before the change");
        var verify = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/verify?tenant_id=system", newKey);
        Assert.That(verify["valid"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task The_last_admin_key_cannot_be_revoked_without_a_replacement()
    {
        var list = await _host.OkAsync(HttpMethod.Get, "/api/v2/admin-keys", _host.AdminKey);
        var onlyId = list["admin_keys"]![0]!["api_key_id"]!.GetValue<string>();
        var (refused, problem) = await _host.SendAsync(HttpMethod.Delete, $"/api/v2/admin-keys/{onlyId}", _host.AdminKey);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), problem?.ToJsonString());
        await _host.OkAsync(HttpMethod.Get, "/api/v2/admin-keys", _host.AdminKey);

        var second = await _host.OkAsync(HttpMethod.Post, "/api/v2/admin-keys", _host.AdminKey, new { name = "second operator" });
        var secondKey = second["api_key"]!.GetValue<string>();
        var revoked = await _host.OkAsync(HttpMethod.Delete, $"/api/v2/admin-keys/{onlyId}", secondKey);
        Assert.That(revoked["revoked"]!.GetValue<bool>(), Is.True);
        var (gone, _) = await _host.SendAsync(HttpMethod.Get, "/api/v2/admin-keys", _host.AdminKey);
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var (last, _) = await _host.SendAsync(HttpMethod.Delete, $"/api/v2/admin-keys/{second["api_key_id"]!.GetValue<string>()}", secondKey);
        Assert.That(last.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task Concurrent_revocations_of_the_only_two_keys_leave_one()
    {
        var second = await _host.OkAsync(HttpMethod.Post, "/api/v2/admin-keys", _host.AdminKey, new { name = "second" });
        var list = await _host.OkAsync(HttpMethod.Get, "/api/v2/admin-keys", _host.AdminKey);
        var ids = list["admin_keys"]!.AsArray().Select(k => k!["api_key_id"]!.GetValue<string>()).ToList();
        var keys = new[] { _host.AdminKey, second["api_key"]!.GetValue<string>() };
        // Each key revokes the other, at once.
        var results = await Task.WhenAll(
            _host.SendAsync(HttpMethod.Delete, $"/api/v2/admin-keys/{ids[1]}", keys[0]),
            _host.SendAsync(HttpMethod.Delete, $"/api/v2/admin-keys/{ids[0]}", keys[1]));
        Assert.That(results.Count(r => r.Response.StatusCode == HttpStatusCode.OK), Is.LessThanOrEqualTo(1));
        var working = 0;
        foreach (var key in keys)
        {
            var (r, _) = await _host.SendAsync(HttpMethod.Get, "/api/v2/admin-keys", key);
            if (r.StatusCode == HttpStatusCode.OK) working++;
        }
        Assert.That(working, Is.EqualTo(1));
    }

    [Test]
    public async Task A_tenant_admin_key_sees_no_admin_keys_and_the_old_tenant_route_still_refuses_them()
    {
        var tenant = await TenantSession.CreateAsync(_host, "tenant-admin");
        var (list, _) = await _host.SendAsync(HttpMethod.Get, "/api/v2/admin-keys", tenant.ApiKey);
        Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var all = await _host.OkAsync(HttpMethod.Get, "/api/v2/admin-keys", _host.AdminKey);
        var id = all["admin_keys"]![0]!["api_key_id"]!.GetValue<string>();
        var (rotate, _) = await _host.SendAsync(HttpMethod.Post, $"/api/v2/admin-keys/{id}/rotate", tenant.ApiKey);
        Assert.That(rotate.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var (system, _) = await _host.SendAsync(HttpMethod.Get, "/api/v2/audit/events?tenant_id=system", tenant.ApiKey);
        Assert.That(system.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a tenant cannot read the system chain");
        await _host.OkAsync(HttpMethod.Get, "/api/v2/admin-keys", _host.AdminKey);
    }
}
