using System.Collections.Concurrent;
using QuantaProxy.Crypto.Audit;

namespace QuantaProxy.Gateway.Audit;

/// <summary>
/// Each tenant's Merkle tree (leaf i = SHA-256(0x00 || hash_i)), kept in memory and extended from the store on use, so
/// proofs cost O(log n) hashes instead of a scan. Chains only grow, and seq numbers commit in order (the head row lock),
/// so reading rows past the cached size is always a clean extension — also when other replicas appended them.
/// </summary>
public sealed class AuditTreeCache(AuditStore store)
{
    private const int ReadBatch = 50_000;
    private readonly ConcurrentDictionary<string, TenantTree> _trees = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="use"/> on the tenant's tree, brought up to date first; the tree must not escape.</summary>
    public async Task<T> UseAsync<T>(string tenantId, Func<MerkleTree, T> use, CancellationToken ct)
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
                        entry.Tree = new MerkleTree();
                        break;
                    }
                    entry.Tree.AppendLeafHash(MerkleTree.LeafHash(hash));
                }
                if (rows.Count < ReadBatch) break;
            }
            return use(entry.Tree);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Forgets a tenant's tree (after a detected inconsistency, to rebuild from the store).</summary>
    public void Forget(string tenantId) => _trees.TryRemove(tenantId, out _);

    private sealed class TenantTree
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public MerkleTree Tree { get; set; } = new();
    }
}
