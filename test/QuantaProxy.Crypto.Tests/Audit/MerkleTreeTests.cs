using System.Security.Cryptography;
using QuantaProxy.Crypto.Audit;

namespace QuantaProxy.Crypto.Tests.Audit;

/// <summary>
/// The tree against the RFC 6962/9162 reference vectors published with transparency-dev/merkle and certificate-transparency
/// (leaves, roots for sizes 1–8, inclusion and consistency proofs; data copied as hex), and against a plain recursive
/// reference implementation of RFC 9162 §2.1 for every size up to 70 and every index.
/// </summary>
public sealed class MerkleTreeTests
{
    private static readonly string[] ReferenceLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    private static readonly string[] ReferenceRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static MerkleTree ReferenceTree()
    {
        var tree = new MerkleTree();
        foreach (var leaf in ReferenceLeaves) tree.AppendData(Convert.FromHexString(leaf));
        return tree;
    }

    private static string[] Hex(IEnumerable<byte[]> hashes) => hashes.Select(Convert.ToHexStringLower).ToArray();

    [Test]
    public void Roots_match_the_reference_vectors()
    {
        var tree = ReferenceTree();
        Assert.That(Convert.ToHexStringLower(tree.RootHash(0)), Is.EqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        for (var size = 1; size <= 8; size++)
            Assert.That(Convert.ToHexStringLower(tree.RootHash(size)), Is.EqualTo(ReferenceRoots[size - 1]), $"size {size}");
    }

    [Test]
    public void Inclusion_proofs_match_the_reference_vectors()
    {
        var tree = ReferenceTree();
        Assert.That(Hex(tree.InclusionProof(0, 8)), Is.EqualTo(new[]
        {
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        }));
        Assert.That(Hex(tree.InclusionProof(5, 8)), Is.EqualTo(new[]
        {
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        }));
    }

    [Test]
    public void Consistency_proofs_match_the_reference_vectors()
    {
        var tree = ReferenceTree();
        Assert.That(Hex(tree.ConsistencyProof(2, 8)), Is.EqualTo(new[]
        {
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        }));
        Assert.That(Hex(tree.ConsistencyProof(6, 8)), Is.EqualTo(new[]
        {
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        }));
        Assert.That(Hex(tree.ConsistencyProof(2, 5)), Is.EqualTo(new[]
        {
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        }));
    }

    // A plain RFC 9162 §2.1.1 MTH, recursive over the leaf list: the reference the cached tree must agree with.
    private static byte[] ReferenceRoot(IReadOnlyList<byte[]> leaves, int start, int count)
    {
        if (count == 0) return SHA256.HashData([]);
        if (count == 1) return leaves[start];
        var k = 1;
        while (k * 2 < count) k *= 2;
        return MerkleTree.NodeHash(ReferenceRoot(leaves, start, k), ReferenceRoot(leaves, start + k, count - k));
    }

    [Test]
    public void Every_size_and_index_agrees_with_the_reference_and_verifies()
    {
        var tree = new MerkleTree();
        var leaves = new List<byte[]>();
        for (var i = 0; i < 70; i++)
        {
            var leaf = MerkleTree.LeafHash([(byte)i, (byte)(i * 7)]);
            leaves.Add(leaf);
            tree.AppendLeafHash(leaf);
        }
        for (var size = 1; size <= 70; size++)
        {
            var root = tree.RootHash(size);
            Assert.That(root, Is.EqualTo(ReferenceRoot(leaves, 0, size)), $"root {size}");
            for (var index = 0; index < size; index++)
            {
                var proof = tree.InclusionProof(index, size);
                Assert.That(MerkleTree.VerifyInclusion(leaves[index], index, size, proof, root), Is.True, $"inclusion {index}/{size}");
                if (size > 1) Assert.That(MerkleTree.VerifyInclusion(leaves[(index + 1) % size], index, size, proof, root), Is.False, $"wrong leaf {index}/{size}");
            }
            for (var old = 1; old <= size; old++)
            {
                var proof = tree.ConsistencyProof(old, size);
                Assert.That(MerkleTree.VerifyConsistency(old, size, tree.RootHash(old), root, proof), Is.True, $"consistency {old}->{size}");
                if (old < size)
                    Assert.That(MerkleTree.VerifyConsistency(old, size, MerkleTree.LeafHash([1, 2, 3]), root, proof), Is.False, $"wrong old root {old}->{size}");
            }
        }
    }

    [Test]
    public void Tampered_proofs_do_not_verify()
    {
        var tree = ReferenceTree();
        var root = tree.RootHash(8);
        var proof = tree.InclusionProof(5, 8);
        Assert.That(MerkleTree.VerifyInclusion(tree.LeafHashAt(5), 5, 8, proof, root), Is.True);
        Assert.That(MerkleTree.VerifyInclusion(tree.LeafHashAt(5), 4, 8, proof, root), Is.False);
        Assert.That(MerkleTree.VerifyInclusion(tree.LeafHashAt(5), 5, 6, proof, root), Is.False);
        Assert.That(MerkleTree.VerifyInclusion(tree.LeafHashAt(5), 5, 8, proof.Take(2).ToList(), root), Is.False);
        var bad = proof.Select(p => (byte[])p.Clone()).ToList();
        bad[1][0] ^= 1;
        Assert.That(MerkleTree.VerifyInclusion(tree.LeafHashAt(5), 5, 8, bad, root), Is.False);
        var consistency = tree.ConsistencyProof(6, 8);
        Assert.That(MerkleTree.VerifyConsistency(6, 8, tree.RootHash(6), root, consistency.Skip(1).ToList()), Is.False);
        Assert.That(MerkleTree.VerifyConsistency(5, 8, tree.RootHash(6), root, consistency), Is.False);
    }
}
