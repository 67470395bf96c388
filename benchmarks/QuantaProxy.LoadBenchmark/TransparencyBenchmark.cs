using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using QuantaProxy.Client.Audit;
using QuantaProxy.Crypto.Audit;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.LoadBenchmark;

/// <summary>
/// Chain verification, Merkle tree, proofs, checkpoint signing and offline verification at 10^6 events, in memory and
/// through an export folder on disk — the numbers behind "inclusion proof ≤ 5 ms at 10^6" and "offline ≤ 10 s".
/// </summary>
public static class TransparencyBenchmark
{
    public sealed record Result(int Events, double ChainHashPerSecond, double VerifyEventsPerSecond, double TreeBuildSeconds, double InclusionProofMicros,
        double InclusionVerifyMicros, double ConsistencyProofMicros, double CheckpointSignMillis, double ExportWriteSeconds, double OfflineVerifySeconds, bool OfflineValid,
        double FullTreeBytesPerEvent, double GatewayTreeBytesPerEvent, double GatewayInclusionProofMicros);

    public static Result Run(int events)
    {
        const string tenant = "ten_01JBENCHBENCHBENCHBENCHBEN";
        var rows = new StoredAuditRow[events];
        var prev = new byte[32];
        var digest = new string('a', 64);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < events; i++)
        {
            var record = new AuditEventRecord($"aud_{i:D22}", tenant, i + 1, "2026-11-22T13:00:00.123Z", "proxy.call", "key_01JBENCHBENCHBENCHBENCHBEN", "",
                "int_01JBENCHBENCHBENCHBENCHBEN", "list_users", "success", "200", "okta-request-id", digest, digest, "");
            var hash = AuditChain.ComputeHash(prev, record);
            rows[i] = new StoredAuditRow(record, prev, hash);
            prev = hash;
        }
        var hashRate = events / watch.Elapsed.TotalSeconds;

        watch.Restart();
        var verification = AuditChainVerifier.Verify(tenant, rows, events, prev);
        var verifyRate = events / watch.Elapsed.TotalSeconds;
        if (!verification.Valid) throw new InvalidOperationException("benchmark chain did not verify");

        var leaves = rows.Select(r => MerkleTree.LeafHash(r.Hash)).ToArray();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        watch.Restart();
        var tree = new MerkleTree();
        // Each leaf is a fresh copy, as when the gateway reads it from the store: the heap growth is what the tree holds.
        foreach (var leaf in leaves) tree.AppendLeafHash((byte[])leaf.Clone());
        var root = tree.RootHash(events);
        var treeSeconds = watch.Elapsed.TotalSeconds;
        var fullTreeBytes = (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / (double)events;
        GC.KeepAlive(tree);
        var (gatewayTreeBytes, gatewayProofMicros) = GatewayTree(leaves, root);

        var random = new Random(7);
        const int proofs = 2000;
        watch.Restart();
        var sample = new List<(long, List<byte[]>)>();
        for (var i = 0; i < proofs; i++)
        {
            var index = random.NextInt64(events);
            sample.Add((index, tree.InclusionProof(index, events)));
        }
        var proofMicros = watch.Elapsed.TotalMicroseconds / proofs;
        watch.Restart();
        foreach (var (index, proof) in sample)
            if (!MerkleTree.VerifyInclusion(tree.LeafHashAt(index), index, events, proof, root)) throw new InvalidOperationException("proof failed");
        var verifyMicros = watch.Elapsed.TotalMicroseconds / proofs;
        watch.Restart();
        for (var i = 0; i < proofs; i++) tree.ConsistencyProof(random.NextInt64(1, events), events);
        var consistencyMicros = watch.Elapsed.TotalMicroseconds / proofs;

        var checkpointKey = MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed());
        var name = $"quantaproxy.local/audit/{tenant}";
        watch.Restart();
        string text = "";
        for (var i = 0; i < 20; i++) text = new Checkpoint(name, events, root).Sign(checkpointKey, name);
        var signMillis = watch.Elapsed.TotalMilliseconds / 20;

        var dir = Path.Combine(Path.GetTempPath(), "qp-bench-export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, AuditExport.CheckpointsFolder));
        try
        {
            watch.Restart();
            using (var writer = new StreamWriter(Path.Combine(dir, AuditExport.EventsFile), false, new UTF8Encoding(false)))
            {
                foreach (var (r, p, h) in rows)
                {
                    writer.Write($"{{\"event_id\":\"{r.EventId}\",\"tenant_id\":\"{r.TenantId}\",\"seq\":{r.Seq},\"occurred_at\":\"{r.OccurredAt}\",\"type\":\"{r.Type}\",\"actor\":\"{r.Actor}\",\"on_behalf_of\":\"\",\"integration_id\":\"{r.IntegrationId}\",\"operation\":\"{r.Operation}\",\"outcome\":\"{r.Outcome}\",\"upstream_status\":\"{r.UpstreamStatus}\",\"upstream_request_id\":\"{r.UpstreamRequestId}\",\"request_digest\":\"{r.RequestDigest}\",\"response_digest\":\"{r.ResponseDigest}\",\"detail\":\"\",\"prev_hash\":\"{Convert.ToHexStringLower(p)}\",\"hash\":\"{Convert.ToHexStringLower(h)}\"}}\n");
                }
            }
            File.WriteAllText(Path.Combine(dir, AuditExport.CheckpointsFolder, $"{events}.txt"), text);
            var exportSeconds = watch.Elapsed.TotalSeconds;
            using var bundle = new TenantKeyBundle(tenant, [], [], RandomNumberGenerator.GetBytes(64), [new TenantKeyBundle.CheckpointKey(name, checkpointKey.PublicKey)]);
            watch.Restart();
            var offline = new OfflineAuditVerifier(bundle).Verify(dir, [text]);
            var offlineSeconds = watch.Elapsed.TotalSeconds;
            return new Result(events, hashRate, verifyRate, treeSeconds, proofMicros, verifyMicros, consistencyMicros, signMillis, exportSeconds, offlineSeconds, offline.Valid,
                fullTreeBytes, gatewayTreeBytes, gatewayProofMicros);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The gateway's tree (only subtrees of 256 events and above kept): heap per event, and an inclusion proof for a random
    /// old event including rebuilding its 256-leaf chunk from the leaves handed back (the store read itself not included).
    /// </summary>
    private static (double BytesPerEvent, double ProofMicros) GatewayTree(byte[][] leaves, byte[] root)
    {
        var events = leaves.Length;
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var tree = new MerkleTree(8);
        foreach (var leaf in leaves) tree.AppendLeafHash((byte[])leaf.Clone());
        var bytesPerEvent = (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / (double)events;
        var random = new Random(11);
        const int proofs = 500;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < proofs; i++)
        {
            var index = random.NextInt64(events - 256);
            List<byte[]> proof;
            while (true)
            {
                try
                {
                    proof = tree.InclusionProof(index, events);
                    break;
                }
                catch (MerkleLeavesMissingException missing)
                {
                    tree.ProvideLeaves(missing.FirstLeaf, new ArraySegment<byte[]>(leaves, (int)missing.FirstLeaf, (int)missing.Count));
                }
            }
            if (!MerkleTree.VerifyInclusion(leaves[index], index, events, proof, root)) throw new InvalidOperationException("gateway-tree proof failed");
        }
        GC.KeepAlive(tree);
        return (bytesPerEvent, watch.Elapsed.TotalMicroseconds / proofs);
    }
}
