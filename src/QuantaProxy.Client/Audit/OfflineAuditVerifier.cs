using System.Globalization;
using System.Text;
using System.Text.Json;
using QuantaProxy.Crypto.Audit;
using QuantaProxy.Crypto.Envelopes;

namespace QuantaProxy.Client.Audit;

public sealed record OfflineProblem(long Seq, string Kind, string Detail);

public sealed record OfflineVerification(bool Valid, long EventsChecked, int CheckpointsChecked, int TrustedCheckpointsChecked, IReadOnlyList<OfflineProblem> Problems)
{
    public OfflineProblem? First => Problems.Count == 0 ? null : Problems[0];
}

/// <summary>
/// Verifies an audit export (FORMATS.md §6) with no gateway: every hash and link, the Merkle root at every checkpoint
/// size, every checkpoint's signature against the bundle's checkpoint keys only, and consistency with each checkpoint
/// the tenant kept. Nothing inside the export is trusted: a checkpoint in the folder counts only if the tenant's key
/// signed it, and a rewrite that recomputed every hash is caught by the kept checkpoints.
/// </summary>
public sealed class OfflineAuditVerifier(TenantKeyBundle bundle)
{
    private const int MaxLineBytes = 64 * 1024;

    public OfflineVerification Verify(string directory, IEnumerable<string> trustedCheckpoints, IProgress<long>? progress = null)
    {
        var problems = new List<OfflineProblem>();
        var chain = new AuditChainVerifier(bundle.TenantId);
        var tree = new MerkleTree();
        long lines = 0;
        using (var reader = new StreamReader(Path.Combine(directory, AuditExport.EventsFile), new UTF8Encoding(false, true)))
        {
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                lines++;
                if (line.Length > MaxLineBytes) { problems.Add(new OfflineProblem(lines, "malformed_event", "line too long")); break; }
                if (!TryParse(line, out var row, out var why)) { problems.Add(new OfflineProblem(lines, "malformed_event", why!)); break; }
                chain.Add(row);
                tree.AppendLeafHash(MerkleTree.LeafHash(row.Hash));
                if ((lines & 0xFFFF) == 0) progress?.Report(lines);
            }
        }
        var result = chain.Complete();
        foreach (var b in result.Errors) problems.Add(new OfflineProblem(b.Seq, KindName(b.Kind), "chain"));

        var checkpoints = 0;
        var folder = Path.Combine(directory, AuditExport.CheckpointsFolder);
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.txt").Order(StringComparer.Ordinal))
            {
                checkpoints++;
                CheckCheckpoint(File.ReadAllText(file, Encoding.UTF8), tree, problems, trusted: false, Path.GetFileName(file));
            }
        }
        var trustedCount = 0;
        foreach (var trusted in trustedCheckpoints)
        {
            trustedCount++;
            CheckCheckpoint(trusted, tree, problems, trusted: true, "trusted checkpoint");
        }
        problems.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return new OfflineVerification(problems.Count == 0, result.EventsChecked, checkpoints, trustedCount, problems);
    }

    private void CheckCheckpoint(string text, MerkleTree tree, List<OfflineProblem> problems, bool trusted, string source)
    {
        Checkpoint? checkpoint = null;
        foreach (var key in bundle.CheckpointKeys)
            if (Checkpoint.TryVerify(text, key.Name, key.PublicKey, out checkpoint, out _)) break;
        if (checkpoint is null)
        {
            var size = Checkpoint.TryParse(text, out var unsigned, out _, out _) ? unsigned!.TreeSize : 0;
            problems.Add(new OfflineProblem(size, "checkpoint_signature", $"{source} is not signed by a checkpoint key of the bundle"));
            return;
        }
        if (checkpoint.TreeSize > tree.Size)
        {
            problems.Add(new OfflineProblem(tree.Size + 1, trusted ? "truncated" : "checkpoint_beyond_export",
                $"{source} covers {checkpoint.TreeSize} events but the export has {tree.Size}"));
            return;
        }
        if (!tree.RootHash(checkpoint.TreeSize).AsSpan().SequenceEqual(checkpoint.RootHash))
            problems.Add(new OfflineProblem(checkpoint.TreeSize, "checkpoint_mismatch", $"{source}: the export's root at size {checkpoint.TreeSize} is not the signed root"));
    }

    private static bool TryParse(string line, out StoredAuditRow row, out string? why)
    {
        row = default;
        why = null;
        try
        {
            using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 2 });
            var e = doc.RootElement;
            if (e.ValueKind != JsonValueKind.Object) { why = "not an object"; return false; }
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in e.EnumerateObject())
            {
                if (!names.Add(p.Name)) { why = "duplicate field"; return false; }
                if (Array.IndexOf(AuditExport.EventFields, p.Name) < 0) { why = $"unknown field {p.Name}"; return false; }
                if (p.Name == "seq" ? p.Value.ValueKind != JsonValueKind.Number : p.Value.ValueKind != JsonValueKind.String) { why = $"wrong type of {p.Name}"; return false; }
            }
            if (names.Count != AuditExport.EventFields.Length) { why = "missing fields"; return false; }
            string S(string n) => e.GetProperty(n).GetString()!;
            var record = new AuditEventRecord(S("event_id"), S("tenant_id"), e.GetProperty("seq").GetInt64(), S("occurred_at"), S("type"), S("actor"), S("on_behalf_of"),
                S("integration_id"), S("operation"), S("outcome"), S("upstream_status"), S("upstream_request_id"), S("request_digest"), S("response_digest"), S("detail"));
            var prev = Convert.FromHexString(S("prev_hash"));
            var hash = Convert.FromHexString(S("hash"));
            if (prev.Length != 32 || hash.Length != 32) { why = "hashes must be 32 bytes"; return false; }
            row = new StoredAuditRow(record, prev, hash);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            why = "not valid JSON with the §6 fields";
            return false;
        }
    }

    public static string KindName(AuditBreakKind kind) => kind switch
    {
        AuditBreakKind.ChangedEvent => "changed_event",
        AuditBreakKind.MissingEvent => "missing_event",
        AuditBreakKind.InsertedEvent => "inserted_event",
        AuditBreakKind.ReorderedEvents => "reordered_events",
        AuditBreakKind.BrokenLink => "broken_link",
        AuditBreakKind.WrongTenant => "wrong_tenant",
        _ => kind.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}
