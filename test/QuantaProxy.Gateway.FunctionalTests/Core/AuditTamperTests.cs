using System.Text.Json.Nodes;
using QuantaProxy.Crypto.Audit;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

/// <summary>Someone with write access to the database edits the chain; <c>/audit/verify</c> must name where and how.</summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class AuditTamperTests(StoreKind store)
{
    private GatewayHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await GatewayHost.StartAsync(store);

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Nothing to stop when the fixture was inconclusive (no server) before it started anything.
        if (_host is not null) await _host.DisposeAsync();
    }

    /// <summary>
    /// A tenant with a chain of exactly 23 events: tenant.create, apikey.create and key.register (the last two with their
    /// intent events), and nine vault seals with theirs.
    /// </summary>
    private async Task<TenantSession> ChainOfTwelveAsync()
    {
        var tenant = await TenantSession.CreateAsync(_host, "tamper");
        for (var i = 0; i < 9; i++)
            await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "api_key", name = $"c{i}", secret = new { token = "t" } });
        var before = await VerifyAsync(tenant);
        Assert.That(before["valid"]!.GetValue<bool>(), Is.True, before.ToJsonString());
        Assert.That(before["events_checked"]!.GetValue<long>(), Is.EqualTo(23));
        return tenant;
    }

    private Task<JsonNode> VerifyAsync(TenantSession tenant) => _host.OkAsync(HttpMethod.Get, "/api/v2/audit/verify", tenant.ApiKey);

    private static void AssertBroken(JsonNode verify, long seq, string kind)
    {
        Assert.That(verify["valid"]!.GetValue<bool>(), Is.False, verify.ToJsonString());
        var first = verify["errors"]![0]!;
        Assert.That(first["seq"]!.GetValue<long>(), Is.EqualTo(seq), verify.ToJsonString());
        Assert.That(first["kind"]!.GetValue<string>(), Is.EqualTo(kind), verify.ToJsonString());
    }

    [Test]
    public async Task A_changed_field_is_named()
    {
        var tenant = await ChainOfTwelveAsync();
        await RawSql.ExecuteAsync(_host, "UPDATE audit_events SET outcome = 'forged' WHERE tenant_id = @t AND seq = 6", ("t", tenant.TenantId));
        AssertBroken(await VerifyAsync(tenant), 6, "changed_event");
    }

    [Test]
    public async Task A_deleted_event_is_named()
    {
        var tenant = await ChainOfTwelveAsync();
        await RawSql.ExecuteAsync(_host, "DELETE FROM audit_events WHERE tenant_id = @t AND seq = 7", ("t", tenant.TenantId));
        AssertBroken(await VerifyAsync(tenant), 7, "missing_event");
    }

    [Test]
    public async Task A_deleted_tail_is_named()
    {
        var tenant = await ChainOfTwelveAsync();
        await RawSql.ExecuteAsync(_host, "DELETE FROM audit_events WHERE tenant_id = @t AND seq >= 11", ("t", tenant.TenantId));
        AssertBroken(await VerifyAsync(tenant), 11, "missing_event");
    }

    [Test]
    public async Task An_inserted_event_with_a_recomputed_hash_is_named()
    {
        var tenant = await ChainOfTwelveAsync();
        var rows = await ReadRowsAsync(tenant.TenantId);
        // Shift events 5.. up by one, then forge an event at 5 that links correctly to event 4.
        await RawSql.ExecuteAsync(_host, "UPDATE audit_events SET seq = seq + 1000 WHERE tenant_id = @t AND seq >= 5", ("t", tenant.TenantId));
        await RawSql.ExecuteAsync(_host, "UPDATE audit_events SET seq = seq - 999 WHERE tenant_id = @t AND seq >= 1000", ("t", tenant.TenantId));
        var template = rows[3].Record with { EventId = "aud_01JZZZZZZZZZZZZZZZZZZZZZZZ", Seq = 5, Outcome = "forged" };
        var hash = new byte[32];
        AuditChain.ComputeHash(rows[3].Hash, template, hash);
        await InsertAsync(template, rows[3].Hash, hash);
        // A careful forger also moves the chain head, so the gateway keeps appending after the forged tail.
        await RawSql.ExecuteAsync(_host, "UPDATE audit_heads SET seq = seq + 1 WHERE tenant_id = @t", ("t", tenant.TenantId));
        AssertBroken(await VerifyAsync(tenant), 5, "inserted_event");
    }

    [Test]
    public async Task Two_swapped_events_are_named()
    {
        var tenant = await ChainOfTwelveAsync();
        // Swap positions 8 and 9: each row takes the other's seq.
        await RawSql.ExecuteAsync(_host, "UPDATE audit_events SET seq = 1008 WHERE tenant_id = @t AND seq = 8", ("t", tenant.TenantId));
        await RawSql.ExecuteAsync(_host, "UPDATE audit_events SET seq = 8 WHERE tenant_id = @t AND seq = 9", ("t", tenant.TenantId));
        await RawSql.ExecuteAsync(_host, "UPDATE audit_events SET seq = 9 WHERE tenant_id = @t AND seq = 1008", ("t", tenant.TenantId));
        AssertBroken(await VerifyAsync(tenant), 8, "reordered_events");
    }

    private async Task<List<(AuditEventRecord Record, byte[] PrevHash, byte[] Hash)>> ReadRowsAsync(string tenantId)
    {
        await using var connection = await RawSql.OpenAsync(_host);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT event_id, tenant_id, seq, occurred_at, type, actor, on_behalf_of, integration_id, operation, outcome, upstream_status, " +
                              "upstream_request_id, request_digest, response_digest, detail, prev_hash, hash FROM audit_events WHERE tenant_id = @t ORDER BY seq";
        var p = command.CreateParameter();
        p.ParameterName = "t";
        p.Value = tenantId;
        command.Parameters.Add(p);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(AuditEventRecord, byte[], byte[])>();
        while (await reader.ReadAsync())
        {
            rows.Add((new AuditEventRecord(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9), reader.GetString(10), reader.GetString(11), reader.GetString(12),
                reader.GetString(13), reader.GetString(14)), (byte[])reader.GetValue(15), (byte[])reader.GetValue(16)));
        }
        return rows;
    }

    private Task InsertAsync(AuditEventRecord r, byte[] prev, byte[] hash) => RawSql.ExecuteAsync(_host,
        "INSERT INTO audit_events (tenant_id, seq, event_id, occurred_at, type, actor, on_behalf_of, integration_id, operation, outcome, upstream_status, " +
        "upstream_request_id, request_digest, response_digest, detail, prev_hash, hash) VALUES (@t, @s, @e, @o, @ty, @a, @b, @i, @op, @out, @us, @ur, @rq, @rs, @d, @p, @h)",
        ("t", r.TenantId), ("s", r.Seq), ("e", r.EventId), ("o", r.OccurredAt), ("ty", r.Type), ("a", r.Actor), ("b", r.OnBehalfOf), ("i", r.IntegrationId),
        ("op", r.Operation), ("out", r.Outcome), ("us", r.UpstreamStatus), ("ur", r.UpstreamRequestId), ("rq", r.RequestDigest), ("rs", r.ResponseDigest),
        ("d", r.Detail), ("p", prev), ("h", hash));
}
