namespace QuantaProxy.Crypto.Audit;

/// <summary>
/// A <see cref="MerkleTree"/> that keeps leaves only in part needs the leaf hashes of [<see cref="FirstLeaf"/>,
/// <see cref="FirstLeaf"/> + <see cref="Count"/>) to answer; read them from the store, provide them, and ask again.
/// </summary>
public sealed class MerkleLeavesMissingException(long firstLeaf, long count)
    : Exception($"The leaf hashes of [{firstLeaf}, {firstLeaf + count}) are not held in memory.")
{
    public long FirstLeaf { get; } = firstLeaf;
    public long Count { get; } = count;
}
