using System.Security.Cryptography;
using QuantaProxy.Crypto.Audit;

namespace QuantaProxy.Crypto.Tests.Audit;

/// <summary>
/// A tree that keeps only subtrees of 2^L leaves and above answers every root and proof exactly as the full tree does,
/// asking for (and checking) the leaves of an older chunk when it needs them, and never holding more than it should.
/// </summary>
public sealed class PartialMerkleTreeTests
{
    private static List<byte[]> Leaves(int count) =>
        Enumerable.Range(0, count).Select(i => MerkleTree.LeafHash(SHA256.HashData(BitConverter.GetBytes(i)))).ToList();

    /// <summary>Runs <paramref name="query"/>, handing the tree the leaves it asks for from <paramref name="leaves"/> (as the gateway does from its store).</summary>
    private static T Ask<T>(MerkleTree tree, List<byte[]> leaves, Func<MerkleTree, T> query, ref int provided)
    {
        for (var attempt = 0; attempt < 16; attempt++)
        {
            try
            {
                return query(tree);
            }
            catch (MerkleLeavesMissingException missing)
            {
                tree.ProvideLeaves(missing.FirstLeaf, leaves.GetRange((int)missing.FirstLeaf, (int)missing.Count));
                provided++;
            }
        }
        throw new AssertionException("the tree kept asking for leaves");
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Roots_and_proofs_equal_the_full_trees_for_every_size_and_index(int retainFrom)
    {
        var leaves = Leaves(70);
        var full = new MerkleTree();
        var partial = new MerkleTree(retainFrom);
        var provided = 0;
        for (var n = 1; n <= leaves.Count; n++)
        {
            full.AppendLeafHash(leaves[n - 1]);
            partial.AppendLeafHash(leaves[n - 1]);
            for (var size = 1; size <= n; size++)
                Assert.That(Ask(partial, leaves, t => t.RootHash(size), ref provided), Is.EqualTo(full.RootHash(size)), $"root {size} of {n}");
        }
        var n70 = leaves.Count;
        for (var size = 1; size <= n70; size++)
        {
            for (var m = 0; m < size; m++)
            {
                Assert.That(Ask(partial, leaves, t => t.InclusionProof(m, size), ref provided), Is.EqualTo(full.InclusionProof(m, size)), $"inclusion {m} in {size}");
                Assert.That(Ask(partial, leaves, t => t.LeafHashAt(m), ref provided), Is.EqualTo(leaves[m]));
            }
            for (var old = 0; old <= size; old++)
                Assert.That(Ask(partial, leaves, t => t.ConsistencyProof(old, size), ref provided), Is.EqualTo(full.ConsistencyProof(old, size)), $"consistency {old}→{size}");
        }
        Assert.That(provided, Is.GreaterThan(0), "older chunks were really dropped and asked for");
    }

    [Test]
    public void Closed_chunks_are_not_held_and_the_open_one_is()
    {
        var leaves = Leaves(1000);
        var tree = new MerkleTree(4);
        foreach (var leaf in leaves) tree.AppendLeafHash(leaf);
        var missing = Assert.Throws<MerkleLeavesMissingException>(() => tree.LeafHashAt(17))!;
        Assert.That((missing.FirstLeaf, missing.Count), Is.EqualTo((16L, 16L)));
        // 1000 = 62 closed chunks of 16 + 8 open leaves: the open ones and every chunk-or-larger subtree answer at once.
        Assert.That(tree.LeafHashAt(999), Is.EqualTo(leaves[999]));
        Assert.That(tree.RootHash(992), Is.EqualTo(Reference(leaves, 992)));
        Assert.That(tree.RootHash(1000), Is.EqualTo(Reference(leaves, 1000)));
    }

    [Test]
    public void Provided_leaves_that_do_not_match_the_kept_subtree_are_refused()
    {
        var leaves = Leaves(64);
        var tree = new MerkleTree(3);
        foreach (var leaf in leaves) tree.AppendLeafHash(leaf);
        var forged = leaves.GetRange(8, 8);
        forged[3] = MerkleTree.LeafHash([1, 2, 3]);
        Assert.Throws<InvalidDataException>(() => tree.ProvideLeaves(8, forged));
        Assert.Throws<MerkleLeavesMissingException>(() => tree.LeafHashAt(11), "nothing of the forged chunk was kept");
        Assert.Throws<ArgumentException>(() => tree.ProvideLeaves(4, leaves.GetRange(4, 8)), "chunks are aligned");
        Assert.Throws<ArgumentException>(() => tree.ProvideLeaves(64, leaves.GetRange(56, 8)), "only closed chunks");
    }

    private static byte[] Reference(List<byte[]> leaves, int size)
    {
        var tree = new MerkleTree();
        foreach (var leaf in leaves.Take(size)) tree.AppendLeafHash(leaf);
        return tree.RootHash(size);
    }
}
