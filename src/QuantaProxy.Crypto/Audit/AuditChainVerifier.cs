namespace QuantaProxy.Crypto.Audit;

public enum AuditBreakKind
{
    ChangedEvent,
    MissingEvent,
    InsertedEvent,
    ReorderedEvents,
    BrokenLink,
    WrongTenant,
}

public readonly record struct AuditBreak(long Seq, AuditBreakKind Kind);

/// <summary>An event as stored: its fields and the two links, as read back (possibly tampered with).</summary>
public readonly record struct StoredAuditRow(AuditEventRecord Record, byte[] PrevHash, byte[] Hash);

public sealed record AuditChainVerification(bool Valid, long EventsChecked, long HeadSeq, byte[] HeadHash, IReadOnlyList<AuditBreak> Errors);

/// <summary>
/// Recomputes a tenant's chain from its stored rows (in seq order, streamed) and names each break and its kind.
/// Rules, applied to each row whose hash or link does not check out:
/// <list type="bullet">
/// <item>a seq beyond the next expected one: <see cref="AuditBreakKind.MissingEvent"/> at the first missing seq;</item>
/// <item>a seq already seen: <see cref="AuditBreakKind.InsertedEvent"/>;</item>
/// <item>the stored hash matches the row's content with seq − 1: the row was shifted up by an insertion before it, so
/// <see cref="AuditBreakKind.InsertedEvent"/> at seq − 1;</item>
/// <item>the stored hash matches the content with seq + 1: the row belongs later, <see cref="AuditBreakKind.ReorderedEvents"/>;</item>
/// <item>the stored hash does not match the content at all: <see cref="AuditBreakKind.ChangedEvent"/>;</item>
/// <item>the row is self-consistent but its prev_hash is not the previous row's hash: <see cref="AuditBreakKind.BrokenLink"/>.</item>
/// </list>
/// Verification continues after a break (linking onward from the stored hash) so every break is listed; the first is
/// the one to act on. A stored head beyond the last row is a truncated tail (<see cref="AuditBreakKind.MissingEvent"/>).
/// </summary>
public sealed class AuditChainVerifier(string tenantId, int maxErrors = 100)
{
    private readonly List<AuditBreak> _errors = [];
    private readonly byte[] _previous = new byte[AuditChain.HashSize];
    private readonly byte[] _scratch = new byte[AuditChain.HashSize];
    private long _expectedSeq = 1;
    private long _checked;

    public void Add(in StoredAuditRow row)
    {
        var r = row.Record;
        _checked++;
        if (!string.Equals(r.TenantId, tenantId, StringComparison.Ordinal)) Report(r.Seq, AuditBreakKind.WrongTenant);
        if (r.Seq < _expectedSeq)
        {
            Report(r.Seq, AuditBreakKind.InsertedEvent);
            return;
        }
        if (r.Seq > _expectedSeq) Report(_expectedSeq, AuditBreakKind.MissingEvent);
        else if (!Matches(row.PrevHash, r, row.Hash)) Classify(row);
        else if (!row.PrevHash.AsSpan().SequenceEqual(_previous)) Report(r.Seq, AuditBreakKind.BrokenLink);

        row.Hash.AsSpan(0, Math.Min(row.Hash.Length, AuditChain.HashSize)).CopyTo(_previous);
        _expectedSeq = r.Seq + 1;
    }

    private void Classify(in StoredAuditRow row)
    {
        var r = row.Record;
        if (r.Seq > 1 && Matches(row.PrevHash, r with { Seq = r.Seq - 1 }, row.Hash)) Report(r.Seq - 1, AuditBreakKind.InsertedEvent);
        else if (Matches(row.PrevHash, r with { Seq = r.Seq + 1 }, row.Hash)) Report(r.Seq, AuditBreakKind.ReorderedEvents);
        else Report(r.Seq, AuditBreakKind.ChangedEvent);
    }

    private bool Matches(byte[] prevHash, AuditEventRecord record, byte[] storedHash)
    {
        if (prevHash.Length != AuditChain.HashSize || storedHash.Length != AuditChain.HashSize) return false;
        AuditChain.ComputeHash(prevHash, record, _scratch);
        return _scratch.AsSpan().SequenceEqual(storedHash);
    }

    private void Report(long seq, AuditBreakKind kind)
    {
        if (_errors.Count < maxErrors) _errors.Add(new AuditBreak(seq, kind));
    }

    /// <summary>Finishes: <paramref name="storedHeadSeq"/> is where the store says the chain ends (its head row).</summary>
    public AuditChainVerification Complete(long? storedHeadSeq = null, byte[]? storedHeadHash = null)
    {
        var lastSeq = _expectedSeq - 1;
        if (storedHeadSeq is { } head)
        {
            if (head > lastSeq) Report(lastSeq + 1, AuditBreakKind.MissingEvent);
            else if (head == lastSeq && storedHeadHash is not null && !storedHeadHash.AsSpan().SequenceEqual(_previous)) Report(head, AuditBreakKind.BrokenLink);
        }
        var errors = _errors.OrderBy(e => e.Seq).ToList();
        return new AuditChainVerification(errors.Count == 0, _checked, lastSeq, (byte[])_previous.Clone(), errors);
    }

    public static AuditChainVerification Verify(string tenantId, IEnumerable<StoredAuditRow> rows, long? storedHeadSeq = null, byte[]? storedHeadHash = null)
    {
        var verifier = new AuditChainVerifier(tenantId);
        foreach (var row in rows) verifier.Add(row);
        return verifier.Complete(storedHeadSeq, storedHeadHash);
    }
}
