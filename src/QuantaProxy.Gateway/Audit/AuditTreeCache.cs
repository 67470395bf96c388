using System.Collections.Concurrent;
using QuantaProxy.Crypto.Audit;

namespace QuantaProxy.Gateway.Audit;

/// <summary>
/// Each tenant's Merkle tree (leaf i = SHA-256(0x00 || hash_i)), kept in memory and extended from the store on use, so
/// proofs cost O(log n) hashes instead of a scan. Chains only grow, and seq numbers commit in order (the head row lock),
/// so reading rows past the cached size is always a clean extension — also when other replicas appended them.
/// Only subtrees of 256 events and above stay in memory (about 0.25 bytes per event instead of ~130, so a gateway that
/// runs for months does not grow with its log); a proof that needs the inside of an older chunk reads those 256 hashes
/// back from the store, and the tree checks them against the subtree hash it kept before using them.
/// </summary>
public sealed class AuditTreeCache(AuditStore store)
{
    private const int ReadBatch = 50_000;
    private const int RetainFrom = 8;
    private const int MaxLeafReads = 8;
    private readonly ConcurrentDictionary<string, TenantTree> _trees = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="use"/> on the tenant's tree, brought up to date first; the tree must not escape.</summary>
    public async Task<T> UseAsync<T>(string tenantId, Func<MerkleTree, T> use, CancellationToken ct)
    {
        try
        {
            return await UseOnceAsync(tenantId, use, ct);
        }
        catch (InvalidDataException)
        {
            // The store no longer matches what the tree was built from (rows rewritten under it): the tree is a function
            // of the store, so rebuild it from what is stored now, as a restarted gateway would. Checkpoints the tenant
            // kept are what exposes such a rewrite; the tree must not hide it by answering from the old data.
            Forget(tenantId);
            return await UseOnceAsync(tenantId, use, ct);
        }
    }

    private async Task<T> UseOnceAsync<T>(string tenantId, Func<MerkleTree, T> use, CancellationToken ct)
    {
        var entry = _trees.GetOrAdd(tenantId, _ => new TenantTree());
        await entry.Gate.WaitAsync(ct);
        try
        {
            while (true)
            {
                var rows = await store.ReadHashesAsync(tenantId, entry.Tree.Size, ReadBatch, ct);
                foreach (var (seq, hash) in rows)
                {
                    // A stored chain with a gap or a reordered seq cannot be extended honestly: start over so proofs match the store.
                    if (seq != entry.Tree.Size + 1)
                    {
                        entry.Tree = new MerkleTree(RetainFrom);
                        break;
                    }
                    entry.Tree.AppendLeafHash(MerkleTree.LeafHash(hash));
                }
                if (rows.Count < ReadBatch) break;
            }
            for (var reads = 0; ; reads++)
            {
                try
                {
                    return use(entry.Tree);
                }
                catch (MerkleLeavesMissingException missing) when (reads < MaxLeafReads)
                {
                    var leaves = await ReadLeavesAsync(tenantId, missing, ct);
                    if (leaves.Count != missing.Count) throw new InvalidDataException("The audit chain is shorter than the tree built from it.");
                    entry.Tree.ProvideLeaves(missing.FirstLeaf, leaves);
                }
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task<List<byte[]>> ReadLeavesAsync(string tenantId, MerkleLeavesMissingException missing, CancellationToken ct)
    {
        var rows = await store.ReadHashesAsync(tenantId, missing.FirstLeaf, checked((int)missing.Count), ct);
        var leaves = new List<byte[]>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Seq != missing.FirstLeaf + i + 1) throw new InvalidDataException("The audit chain has a gap where the tree needs its leaves.");
            leaves.Add(MerkleTree.LeafHash(rows[i].Hash));
        }
        return leaves;
    }

    /// <summary>Forgets a tenant's tree (after a detected inconsistency, to rebuild from the store).</summary>
    public void Forget(string tenantId) => _trees.TryRemove(tenantId, out _);

    private sealed class TenantTree
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public MerkleTree Tree { get; set; } = new(RetainFrom);
    }
}
