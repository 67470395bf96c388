using QuantaProxy.Crypto.Audit;
using QuantaProxy.Crypto.Envelopes;

namespace QuantaProxy.Client.Audit;

/// <summary>An inclusion proof as the gateway serves it (<c>GET /api/v2/audit/events/{id}/proof</c>), hex lowercase.</summary>
public sealed record InclusionProof(string EventId, long Seq, long LeafIndex, long TreeSize, string LeafHash, string RootHash, IReadOnlyList<string> Proof);

/// <summary>A consistency proof (<c>GET /api/v2/audit/consistency?from=&amp;to=</c>).</summary>
public sealed record ConsistencyProof(long From, long To, string FromRoot, string ToRoot, IReadOnlyList<string> Proof);

/// <summary>
/// What a tenant checks without trusting the gateway: that an event it was told about is included under a checkpoint
/// signed by its checkpoint key, and that a newer checkpoint extends an older one it kept (no rewrite, no fork).
/// </summary>
public sealed class AuditProofVerifier(TenantKeyBundle bundle)
{
    /// <summary>Verifies a signed checkpoint against the bundle's checkpoint keys; returns it, or throws <see cref="AuditProofException"/>.</summary>
    public Checkpoint VerifyCheckpoint(string signedCheckpoint)
    {
        foreach (var key in bundle.CheckpointKeys)
            if (Checkpoint.TryVerify(signedCheckpoint, key.Name, key.PublicKey, out var checkpoint, out _)) return checkpoint!;
        throw new AuditProofException("The checkpoint is not signed by a checkpoint key in the bundle.");
    }

    /// <summary>
    /// The event of <paramref name="proof"/> (whose chain hash is <paramref name="chainHash"/>) is in the tree the signed
    /// checkpoint commits to. Throws <see cref="AuditProofException"/> otherwise.
    /// </summary>
    public void VerifyInclusion(InclusionProof proof, string signedCheckpoint, byte[]? chainHash = null)
    {
        var checkpoint = VerifyCheckpoint(signedCheckpoint);
        if (proof.TreeSize != checkpoint.TreeSize) throw new AuditProofException("The proof is for another tree size than the checkpoint.");
        var leaf = Convert.FromHexString(proof.LeafHash);
        if (chainHash is not null && !MerkleTree.LeafHash(chainHash).AsSpan().SequenceEqual(leaf))
            throw new AuditProofException("The proof is for another event.");
        if (proof.LeafIndex != proof.Seq - 1) throw new AuditProofException("The leaf index does not match the event's sequence number.");
        if (!MerkleTree.VerifyInclusion(leaf, proof.LeafIndex, proof.TreeSize, proof.Proof.Select(Convert.FromHexString).ToList(), checkpoint.RootHash))
            throw new AuditProofException("The inclusion proof does not lead to the checkpoint's root.");
    }

    /// <summary>The newer signed checkpoint is an append-only extension of the older one the tenant kept.</summary>
    public void VerifyConsistency(string olderCheckpoint, string newerCheckpoint, ConsistencyProof proof)
    {
        var older = VerifyCheckpoint(olderCheckpoint);
        var newer = VerifyCheckpoint(newerCheckpoint);
        if (proof.From != older.TreeSize || proof.To != newer.TreeSize) throw new AuditProofException("The proof is for other tree sizes than the checkpoints.");
        if (!MerkleTree.VerifyConsistency(older.TreeSize, newer.TreeSize, older.RootHash, newer.RootHash, proof.Proof.Select(Convert.FromHexString).ToList()))
            throw new AuditProofException("The newer checkpoint does not extend the older one: the log was rewritten or forked.");
    }
}

public sealed class AuditProofException(string message) : Exception(message);
