using System.Text;
using System.Text.Json.Nodes;
using QuantaProxy.Client.Audit;
using QuantaProxy.Client.Http;
using QuantaProxy.Crypto.Audit;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

/// <summary>The tamper matrix of issue 5 against <c>audit export</c> + the offline verifier, with no gateway involved in verifying.</summary>
public sealed class OfflineAuditTests
{
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private TenantKeyBundle _bundle = null!;
    private string _export = null!;
    private string _olderExport = null!;
    private string _kept = null!;
    private string _root = null!;

    [OneTimeSetUp]
    public async Task SetUpAsync()
    {
        _host = await GatewayHost.StartAsync(StoreKind.Sqlite);
        _tenant = await TenantSession.CreateAsync(_host, "offline");
        _bundle = TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(await _tenant.BundleJsonAsync(_host)));
        _root = Path.Combine(Path.GetTempPath(), "qp-offline-" + Guid.NewGuid().ToString("N"));
        using var client = new QuantaProxyHttpClient(_host.BaseAddress, _tenant.ApiKey);
        await SealAsync(8);
        _olderExport = Path.Combine(_root, "older");
        await AuditExport.ExportAsync(client, _olderExport);
        await SealAsync(8);
        _kept = (await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/checkpoint", _tenant.ApiKey))["checkpoint"]!.GetValue<string>();
        await SealAsync(4);
        _export = Path.Combine(_root, "export");
        await AuditExport.ExportAsync(client, _export);
    }

    [OneTimeTearDown]
    public async Task TearDownAsync()
    {
        _bundle.Dispose();
        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private async Task SealAsync(int count)
    {
        for (var i = 0; i < count; i++)
            await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", _tenant.ApiKey, new { credential_type = "api_key", name = $"c{i}", secret = new { token = "t" } });
    }

    private OfflineVerification Verify(string dir, params string[] trusted) => new OfflineAuditVerifier(_bundle).Verify(dir, trusted);

    /// <summary>A copy of the export with its event lines edited.</summary>
    private string Tampered(string name, Func<List<JsonObject>, List<JsonObject>> edit, bool keepCheckpoints = true)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.Combine(dir, AuditExport.CheckpointsFolder));
        var lines = File.ReadAllLines(Path.Combine(_export, AuditExport.EventsFile)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        File.WriteAllLines(Path.Combine(dir, AuditExport.EventsFile), edit(lines).Select(l => l.ToJsonString()));
        if (keepCheckpoints)
            foreach (var file in Directory.GetFiles(Path.Combine(_export, AuditExport.CheckpointsFolder)))
                File.Copy(file, Path.Combine(dir, AuditExport.CheckpointsFolder, Path.GetFileName(file)));
        return dir;
    }

    private static AuditEventRecord Record(JsonObject o) => new(
        o["event_id"]!.GetValue<string>(), o["tenant_id"]!.GetValue<string>(), o["seq"]!.GetValue<long>(), o["occurred_at"]!.GetValue<string>(), o["type"]!.GetValue<string>(),
        o["actor"]!.GetValue<string>(), o["on_behalf_of"]!.GetValue<string>(), o["integration_id"]!.GetValue<string>(), o["operation"]!.GetValue<string>(), o["outcome"]!.GetValue<string>(),
        o["upstream_status"]!.GetValue<string>(), o["upstream_request_id"]!.GetValue<string>(), o["request_digest"]!.GetValue<string>(), o["response_digest"]!.GetValue<string>(),
        o["detail"]!.GetValue<string>());

    private static void AssertFirst(OfflineVerification result, long seq, string kind)
    {
        Assert.That(result.Valid, Is.False);
        Assert.That((result.First!.Seq, result.First.Kind), Is.EqualTo((seq, kind)), string.Join("; ", result.Problems));
    }

    [Test]
    public void The_intact_export_verifies_with_the_kept_checkpoint()
    {
        var result = Verify(_export, _kept);
        Assert.That(result.Valid, Is.True, string.Join("; ", result.Problems));
        Assert.That(result.CheckpointsChecked, Is.GreaterThanOrEqualTo(2));
        Assert.That(result.EventsChecked, Is.GreaterThan(20));
    }

    [Test]
    public void A_changed_field_is_found() =>
        AssertFirst(Verify(Tampered("changed", l => { l[4]["outcome"] = "forged"; return l; }), _kept), 5, "changed_event");

    [Test]
    public void A_deleted_event_is_found() =>
        AssertFirst(Verify(Tampered("deleted", l => { l.RemoveAt(6); return l; }), _kept), 7, "missing_event");

    [Test]
    public void Reordered_events_are_found() =>
        AssertFirst(Verify(Tampered("reordered", l =>
        {
            (l[7], l[8]) = (l[8], l[7]);
            l[7]["seq"] = 8L;
            l[8]["seq"] = 9L;
            return l;
        }), _kept), 8, "reordered_events");

    [Test]
    public void An_inserted_event_is_found() =>
        AssertFirst(Verify(Tampered("inserted", l =>
        {
            var forged = (JsonObject)l[3].DeepClone();
            forged["seq"] = 5L;
            forged["event_id"] = "aud_01JZZZZZZZZZZZZZZZZZZZZZZZ";
            forged["prev_hash"] = l[3]["hash"]!.GetValue<string>();
            forged["hash"] = Convert.ToHexStringLower(AuditChain.ComputeHash(Convert.FromHexString(l[3]["hash"]!.GetValue<string>()), Record(forged)));
            for (var i = 4; i < l.Count; i++) l[i]["seq"] = l[i]["seq"]!.GetValue<long>() + 1;
            l.Insert(4, forged);
            return l;
        }), _kept), 5, "inserted_event");

    [Test]
    public void A_truncated_tail_is_found_by_the_checkpoints() =>
        AssertFirst(Verify(Tampered("truncated", l => l.Take(10).ToList()), _kept), 11, "checkpoint_beyond_export");

    [Test]
    public void A_complete_rewrite_with_recomputed_hashes_is_caught_by_the_kept_checkpoint()
    {
        var dir = Tampered("rewrite", l =>
        {
            var prev = new byte[32];
            foreach (var e in l)
            {
                if (e["seq"]!.GetValue<long>() == 3) e["outcome"] = "rewritten";
                e["prev_hash"] = Convert.ToHexStringLower(prev);
                prev = AuditChain.ComputeHash(prev, Record(e));
                e["hash"] = Convert.ToHexStringLower(prev);
            }
            return l;
        }, keepCheckpoints: false);
        var size = Checkpoint.TryParse(_kept, out var kept, out _, out _) ? kept!.TreeSize : 0;
        AssertFirst(Verify(dir, _kept), size, "checkpoint_mismatch");
        // Without the checkpoint the tenant kept, the rewrite is self-consistent: that is why tenants keep them.
        Assert.That(Verify(dir).Valid, Is.True);
    }

    [Test]
    public void A_checkpoint_replaced_by_one_from_another_key_is_found()
    {
        var dir = Tampered("replaced", l => l);
        var file = Directory.GetFiles(Path.Combine(dir, AuditExport.CheckpointsFolder)).First();
        Assert.That(Checkpoint.TryParse(File.ReadAllText(file), out var original, out _, out _), Is.True);
        var forger = MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed());
        File.WriteAllText(file, original!.Sign(forger, original.Origin));
        AssertFirst(Verify(dir), original.TreeSize, "checkpoint_signature");
    }

    [Test]
    public void A_database_rolled_back_to_an_older_copy_is_found()
    {
        Assert.That(Verify(_olderExport).Valid, Is.True, "the older export is consistent in itself");
        var result = Verify(_olderExport, _kept);
        Assert.That(result.Valid, Is.False);
        Assert.That(result.Problems.Select(p => p.Kind), Does.Contain("truncated"));
    }
}
