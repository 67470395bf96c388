using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using QuantaProxy.Gateway.Proxy;
using QuantaProxy.Gateway.Storage;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Proxy;

/// <summary>Idempotency records expire, are swept, are capped per tenant, and a failed call never leaves its key pending.</summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class IdempotencyLifetimeTests(StoreKind store)
{
    private const string Token = "00idempotency-token";
    private const long Cap = 4096;

    [OneTimeSetUp]
    public void RequireStore()
    {
        if (store == StoreKind.Postgres) _ = TestEnvironment.PostgresConnectionString;
    }

    private async Task<(Database Database, Func<ValueTask> Dispose)> OpenStoreAsync()
    {
        if (store == StoreKind.Postgres)
        {
            var postgres = await PostgresDatabase.CreateAsync();
            var pg = Database.ForPostgres(postgres.ConnectionString, 8);
            await new Migrator(pg, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
            return (pg, async () => { await pg.DisposeAsync(); await postgres.DisposeAsync(); });
        }
        var dir = Directory.CreateTempSubdirectory("qp-idem-").FullName;
        var sqlite = Database.ForSqlite(Path.Combine(dir, "idem.db"));
        await new Migrator(sqlite, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        return (sqlite, async () => { await sqlite.DisposeAsync(); Directory.Delete(dir, true); });
    }

    [Test]
    public async Task An_expired_key_is_claimed_afresh_and_the_sweep_deletes_old_records()
    {
        var (database, dispose) = await OpenStoreAsync();
        try
        {
            var records = new IdempotencyStore(database);
            Assert.That((await records.ClaimAsync("ten_a", "k1", "h1", "2026-12-01T00:00:00.000Z", "2026-11-30T00:00:00.000Z", Cap, CancellationToken.None)).Result, Is.EqualTo(IdempotencyStore.ClaimResult.Claimed));
            await records.CompleteAsync("ten_a", "k1", 200, new byte[100], CancellationToken.None);
            Assert.That((await records.ClaimAsync("ten_a", "k1", "h1", "2026-12-01T12:00:00.000Z", "2026-11-30T12:00:00.000Z", Cap, CancellationToken.None)).Result, Is.EqualTo(IdempotencyStore.ClaimResult.Replay));
            // A day later the first record has expired: the same key with another request is a new claim, not a mismatch.
            Assert.That((await records.ClaimAsync("ten_a", "k1", "h2", "2026-12-02T00:00:01.000Z", "2026-12-01T00:00:01.000Z", Cap, CancellationToken.None)).Result, Is.EqualTo(IdempotencyStore.ClaimResult.Claimed));

            Assert.That((await records.ClaimAsync("ten_a", "k2", "h", "2026-12-02T00:00:02.000Z", "2026-12-01T00:00:02.000Z", Cap, CancellationToken.None)).Result, Is.EqualTo(IdempotencyStore.ClaimResult.Claimed));
            Assert.That(await records.SweepAsync("2026-12-02T00:00:02.000Z", CancellationToken.None), Is.EqualTo(1), "only the record older than the cutoff");
            Assert.That(await records.SweepAsync("2026-12-03T00:00:00.000Z", CancellationToken.None), Is.EqualTo(1));
        }
        finally
        {
            await dispose();
        }
    }

    [Test]
    public async Task A_tenant_at_its_byte_cap_gets_no_new_key_and_another_tenant_is_unaffected()
    {
        var (database, dispose) = await OpenStoreAsync();
        try
        {
            var records = new IdempotencyStore(database);
            const string at = "2026-12-01T00:00:00.000Z", before = "2026-11-30T00:00:00.000Z";
            for (var i = 0; i < 4; i++)
            {
                Assert.That((await records.ClaimAsync("ten_a", $"k{i}", "h", at, before, Cap, CancellationToken.None)).Result, Is.EqualTo(IdempotencyStore.ClaimResult.Claimed));
                await records.CompleteAsync("ten_a", $"k{i}", 200, new byte[1024], CancellationToken.None);
            }
            Assert.That((await records.ClaimAsync("ten_a", "k9", "h", at, before, Cap, CancellationToken.None)).Result, Is.EqualTo(IdempotencyStore.ClaimResult.QuotaExceeded));
            Assert.That((await records.ClaimAsync("ten_a", "k0", "h", at, before, Cap, CancellationToken.None)).Result, Is.EqualTo(IdempotencyStore.ClaimResult.Replay), "a stored answer is still replayed");
            Assert.That((await records.ClaimAsync("ten_b", "k9", "h", at, before, Cap, CancellationToken.None)).Result, Is.EqualTo(IdempotencyStore.ClaimResult.Claimed));
        }
        finally
        {
            await dispose();
        }
    }

    [Test]
    public async Task A_call_whose_audit_event_failed_releases_its_key()
    {
        await using var okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 3 });
        await using var host = await GatewayHost.StartAsync(store);
        var tenant = await TenantSession.CreateAsync(host, "idem");
        var (_, integration) = await tenant.ListUsersIntegrationAsync(host, okta.BaseAddress, Token);
        async Task<HttpStatusCode> CallAsync()
        {
            using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", tenant.ApiKey, new { integration_id = integration, operation = "list_users", payload = new { limit = 2 } });
            request.Headers.Add("Idempotency-Key", "retry-me");
            using var response = await host.Client.SendAsync(request);
            return response.StatusCode;
        }
        await RawSql.ExecuteAsync(host, host.Postgres is null
            ? "CREATE TRIGGER qp_test_refuse BEFORE INSERT ON audit_events WHEN NEW.type = 'proxy.call' BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
            : "CREATE FUNCTION qp_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.type = 'proxy.call' THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$; " +
              "CREATE TRIGGER qp_test_refuse BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION qp_test_refuse()");
        Assert.That(await CallAsync(), Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        await RawSql.ExecuteAsync(host, host.Postgres is null ? "DROP TRIGGER qp_test_refuse" : "DROP TRIGGER qp_test_refuse ON audit_events; DROP FUNCTION qp_test_refuse()");
        Assert.That(await CallAsync(), Is.EqualTo(HttpStatusCode.OK), "the key was released, not left pending (409 forever)");
    }
}
