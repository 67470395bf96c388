using QuantaProxy.Crypto.Audit;

namespace QuantaProxy.Crypto.Tests.Audit;

public sealed class AuditChainTests
{
    private static AuditEventRecord Event(long seq, string tenant = "ten_a") =>
        new($"aud_{seq}", tenant, seq, "2026-11-22T13:00:00.123Z", "proxy.call", "key_a", "", "int_a", "list_users", "success", "200", "okta-req", new string('a', 64), new string('b', 64), "");

    private static List<StoredAuditRow> Chain(int n)
    {
        var rows = new List<StoredAuditRow>();
        var prev = new byte[32];
        for (var i = 1; i <= n; i++)
        {
            var hash = AuditChain.ComputeHash(prev, Event(i));
            rows.Add(new StoredAuditRow(Event(i), prev, hash));
            prev = hash;
        }
        return rows;
    }

    [Test]
    public void The_hash_is_SHA256_of_the_documented_length_prefixed_form()
    {
        // Built by hand from FORMATS.md §3, independently of AuditChain's writer.
        var e = Event(3);
        var parts = new[] { e.EventId, e.TenantId, "3", e.OccurredAt, e.Type, e.Actor, e.OnBehalfOf, e.IntegrationId, e.Operation, e.Outcome, e.UpstreamStatus, e.UpstreamRequestId, e.RequestDigest, e.ResponseDigest, e.Detail };
        var input = new List<byte>();
        void F(byte[] x) { input.AddRange(new[] { (byte)(x.Length >> 24), (byte)(x.Length >> 16), (byte)(x.Length >> 8), (byte)x.Length }); input.AddRange(x); }
        F("qp-audit-v1"u8.ToArray());
        var prev = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        input.AddRange(prev);
        foreach (var p in parts) F(System.Text.Encoding.UTF8.GetBytes(p));
        Assert.That(AuditChain.ComputeHash(prev, e), Is.EqualTo(System.Security.Cryptography.SHA256.HashData(input.ToArray())));
    }

    [Test]
    public void An_intact_chain_verifies()
    {
        var result = AuditChainVerifier.Verify("ten_a", Chain(20), 20, Chain(20)[^1].Hash);
        Assert.That(result.Valid, Is.True);
        Assert.That(result.EventsChecked, Is.EqualTo(20));
        Assert.That(result.HeadSeq, Is.EqualTo(20));
    }

    [TestCase(1)]
    [TestCase(10)]
    [TestCase(20)]
    public void A_changed_event_is_named(int seq)
    {
        var rows = Chain(20);
        rows[seq - 1] = rows[seq - 1] with { Record = rows[seq - 1].Record with { Outcome = "forged" } };
        var result = AuditChainVerifier.Verify("ten_a", rows, 20);
        Assert.That(result.Errors[0], Is.EqualTo(new AuditBreak(seq, AuditBreakKind.ChangedEvent)));
    }

    [Test]
    public void Missing_inserted_reordered_and_truncated_are_named()
    {
        var rows = Chain(20);
        rows.RemoveAt(6);
        Assert.That(AuditChainVerifier.Verify("ten_a", rows, 20).Errors[0], Is.EqualTo(new AuditBreak(7, AuditBreakKind.MissingEvent)));

        rows = Chain(20);
        var forged = Event(5) with { EventId = "aud_forged" };
        var forgedHash = AuditChain.ComputeHash(rows[3].Hash, forged);
        var shifted = rows.Skip(4).Select(r => r with { Record = r.Record with { Seq = r.Record.Seq + 1 } }).ToList();
        rows = [.. rows.Take(4), new StoredAuditRow(forged, rows[3].Hash, forgedHash), .. shifted];
        Assert.That(AuditChainVerifier.Verify("ten_a", rows, 21).Errors[0], Is.EqualTo(new AuditBreak(5, AuditBreakKind.InsertedEvent)));

        rows = Chain(20);
        (rows[7], rows[8]) = (rows[8] with { Record = rows[8].Record with { Seq = 8 } }, rows[7] with { Record = rows[7].Record with { Seq = 9 } });
        Assert.That(AuditChainVerifier.Verify("ten_a", rows, 20).Errors[0], Is.EqualTo(new AuditBreak(8, AuditBreakKind.ReorderedEvents)));

        rows = Chain(20);
        Assert.That(AuditChainVerifier.Verify("ten_a", rows.Take(15), 20).Errors[0], Is.EqualTo(new AuditBreak(16, AuditBreakKind.MissingEvent)));

        rows = Chain(20);
        var rewritten = rows[9].Record with { Outcome = "forged" };
        rows[9] = new StoredAuditRow(rewritten, rows[9].PrevHash, AuditChain.ComputeHash(rows[9].PrevHash, rewritten));
        Assert.That(AuditChainVerifier.Verify("ten_a", rows, 20).Errors[0], Is.EqualTo(new AuditBreak(11, AuditBreakKind.BrokenLink)));
    }
}
