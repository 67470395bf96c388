using System.Net;
using System.Text;
using QuantaProxy.Client.Audit;
using QuantaProxy.Crypto.Audit;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

/// <summary>Checkpoints, inclusion and consistency proofs, verified the way a tenant does: with its bundle only.</summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class AuditTransparencyTests(StoreKind store)
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

    private async Task SealAsync(TenantSession tenant, int count)
    {
        for (var i = 0; i < count; i++)
            await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "api_key", name = $"c{i}", secret = new { token = "t" } });
    }

    [Test]
    public async Task An_event_is_included_under_a_signed_checkpoint_and_checkpoints_stay_consistent()
    {
        var tenant = await TenantSession.CreateAsync(_host, "transparency");
        using var bundle = TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(await tenant.BundleJsonAsync(_host)));
        var verifier = new AuditProofVerifier(bundle);
        await SealAsync(tenant, 5);
        var first = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/checkpoint", tenant.ApiKey);
        var firstText = first["checkpoint"]!.GetValue<string>();
        var firstCheckpoint = verifier.VerifyCheckpoint(firstText);
        Assert.That(firstCheckpoint.TreeSize, Is.EqualTo(first["tree_size"]!.GetValue<long>()));

        var events = (await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?limit=3", tenant.ApiKey))["events"]!.AsArray();
        var target = events[2]!;
        var proof = await _host.OkAsync(HttpMethod.Get, $"/api/v2/audit/events/{target["event_id"]}/proof?tree_size={firstCheckpoint.TreeSize}", tenant.ApiKey);
        var inclusion = new InclusionProof(proof["event_id"]!.GetValue<string>(), proof["seq"]!.GetValue<long>(), proof["leaf_index"]!.GetValue<long>(),
            proof["tree_size"]!.GetValue<long>(), proof["leaf_hash"]!.GetValue<string>(), proof["root_hash"]!.GetValue<string>(),
            proof["proof"]!.AsArray().Select(p => p!.GetValue<string>()).ToList());
        verifier.VerifyInclusion(inclusion, firstText, Convert.FromHexString(target["hash"]!.GetValue<string>()));
        Assert.That(() => verifier.VerifyInclusion(inclusion with { LeafIndex = 3, Seq = 4 }, firstText), Throws.InstanceOf<AuditProofException>());

        await SealAsync(tenant, 7);
        var second = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/checkpoint", tenant.ApiKey);
        var secondText = second["checkpoint"]!.GetValue<string>();
        var to = second["tree_size"]!.GetValue<long>();
        Assert.That(to, Is.GreaterThan(firstCheckpoint.TreeSize));
        var consistency = await _host.OkAsync(HttpMethod.Get, $"/api/v2/audit/consistency?from={firstCheckpoint.TreeSize}&to={to}", tenant.ApiKey);
        var proofOfConsistency = new ConsistencyProof(consistency["from"]!.GetValue<long>(), consistency["to"]!.GetValue<long>(),
            consistency["from_root"]!.GetValue<string>(), consistency["to_root"]!.GetValue<string>(), consistency["proof"]!.AsArray().Select(p => p!.GetValue<string>()).ToList());
        verifier.VerifyConsistency(firstText, secondText, proofOfConsistency);
        var listed = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/checkpoints", tenant.ApiKey);
        Assert.That(listed["checkpoints"]!.AsArray().Select(c => c!["checkpoint"]!.GetValue<string>()), Is.SupersetOf(new[] { firstText, secondText }));
    }

    [Test]
    public async Task Proofs_deep_inside_a_long_chain_verify_though_the_gateway_keeps_only_large_subtrees()
    {
        var tenant = await TenantSession.CreateAsync(_host, "long-chain");
        using var bundle = TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(await tenant.BundleJsonAsync(_host)));
        var verifier = new AuditProofVerifier(bundle);
        // Every audit read is itself an event: 700 of them, 16 at a time, close two 256-event chunks and leave one open.
        for (var i = 0; i < 700; i += 16)
            await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?limit=1", tenant.ApiKey)));
        var early = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/checkpoint", tenant.ApiKey);
        var earlyText = early["checkpoint"]!.GetValue<string>();
        var earlySize = verifier.VerifyCheckpoint(earlyText).TreeSize;
        Assert.That(earlySize, Is.GreaterThan(512));
        await SealAsync(tenant, 3);
        var late = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/checkpoint", tenant.ApiKey);
        var lateText = late["checkpoint"]!.GetValue<string>();
        var lateSize = verifier.VerifyCheckpoint(lateText).TreeSize;

        var events = (await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?limit=400", tenant.ApiKey))["events"]!.AsArray();
        foreach (var target in new[] { events[9]!, events[300]!, events[399]! })
        {
            var proof = await _host.OkAsync(HttpMethod.Get, $"/api/v2/audit/events/{target["event_id"]}/proof?tree_size={earlySize}", tenant.ApiKey);
            var inclusion = new InclusionProof(proof["event_id"]!.GetValue<string>(), proof["seq"]!.GetValue<long>(), proof["leaf_index"]!.GetValue<long>(),
                proof["tree_size"]!.GetValue<long>(), proof["leaf_hash"]!.GetValue<string>(), proof["root_hash"]!.GetValue<string>(),
                proof["proof"]!.AsArray().Select(p => p!.GetValue<string>()).ToList());
            verifier.VerifyInclusion(inclusion, earlyText, Convert.FromHexString(target["hash"]!.GetValue<string>()));
        }
        foreach (var from in new[] { 5L, 300L, earlySize })
        {
            var consistency = await _host.OkAsync(HttpMethod.Get, $"/api/v2/audit/consistency?from={from}&to={lateSize}", tenant.ApiKey);
            Assert.That(consistency["proof"]!.AsArray(), from == earlySize ? Is.Not.Empty : Is.Not.Null);
            if (from != earlySize) continue;
            verifier.VerifyConsistency(earlyText, lateText, new ConsistencyProof(consistency["from"]!.GetValue<long>(), consistency["to"]!.GetValue<long>(),
                consistency["from_root"]!.GetValue<string>(), consistency["to_root"]!.GetValue<string>(), consistency["proof"]!.AsArray().Select(p => p!.GetValue<string>()).ToList()));
        }
        var verify = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/verify", tenant.ApiKey);
        Assert.That(verify["valid"]!.GetValue<bool>(), Is.True, verify.ToJsonString());
    }

    [Test]
    public async Task A_rewrite_with_every_hash_recomputed_passes_the_chain_but_not_the_checkpoint()
    {
        var tenant = await TenantSession.CreateAsync(_host, "rewrite");
        await SealAsync(tenant, 6);
        var kept = (await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/checkpoint", tenant.ApiKey))["checkpoint"]!.GetValue<string>();

        // The attacker edits event 4 and recomputes every hash after it, and the head, as anyone with the formula can.
        await using (var connection = await RawSql.OpenAsync(_host))
        {
            var rows = new List<(AuditEventRecord Record, byte[] Prev)>();
            await using (var select = connection.CreateCommand())
            {
                select.CommandText = "SELECT event_id, tenant_id, seq, occurred_at, type, actor, on_behalf_of, integration_id, operation, outcome, upstream_status, " +
                                     "upstream_request_id, request_digest, response_digest, detail, prev_hash FROM audit_events WHERE tenant_id = @t ORDER BY seq";
                var p = select.CreateParameter();
                p.ParameterName = "t";
                p.Value = tenant.TenantId;
                select.Parameters.Add(p);
                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    rows.Add((new AuditEventRecord(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                        reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9), reader.GetString(10), reader.GetString(11), reader.GetString(12),
                        reader.GetString(13), reader.GetString(14)), (byte[])reader.GetValue(15)));
            }
            var prev = new byte[32];
            foreach (var (record, _) in rows)
            {
                var r = record.Seq == 4 ? record with { Outcome = "rewritten" } : record;
                var hash = AuditChain.ComputeHash(prev, r);
                await RawSql.ExecuteAsync(_host, "UPDATE audit_events SET outcome = @o, prev_hash = @p, hash = @h WHERE tenant_id = @t AND seq = @s",
                    ("o", r.Outcome), ("p", prev), ("h", hash), ("t", tenant.TenantId), ("s", r.Seq));
                prev = hash;
            }
            await RawSql.ExecuteAsync(_host, "UPDATE audit_heads SET hash = @h WHERE tenant_id = @t", ("h", prev), ("t", tenant.TenantId));
        }

        // A fresh gateway process would rebuild its tree from the store; simulate by asking for a verify on a new host.
        await using var fresh = await RestartOnSameStoreAsync();
        var verify = await fresh.OkAsync(HttpMethod.Get, "/api/v2/audit/verify", tenant.ApiKey);
        Assert.That(verify["valid"]!.GetValue<bool>(), Is.False, verify.ToJsonString());
        Assert.That(verify["errors"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()), Does.Contain("checkpoint_mismatch"));
        var (refused, problem) = await fresh.SendAsync(HttpMethod.Get, "/api/v2/audit/checkpoint", tenant.ApiKey);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), problem?.ToJsonString());
        Assert.That(problem!["code"]!.GetValue<string>(), Is.EqualTo("audit_inconsistent"));
        Assert.That(kept, Does.StartWith("quantaproxy.local/audit/" + tenant.TenantId));
    }

    private Task<GatewayHost> RestartOnSameStoreAsync() => GatewayHost.StartOnExistingAsync(_host);
}
