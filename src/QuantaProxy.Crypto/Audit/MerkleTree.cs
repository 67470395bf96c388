using System.Numerics;
using System.Security.Cryptography;

namespace QuantaProxy.Crypto.Audit;

/// <summary>
/// An append-only RFC 9162 §2.1 Merkle tree over leaf hashes (<c>SHA-256(0x00 || data)</c>), keeping the hash of every
/// complete aligned subtree so a root of any size, an inclusion proof or a consistency proof costs O(log n) hashes
/// instead of O(n). Not thread-safe for appends; reads may run concurrently with each other.
/// </summary>
public sealed class MerkleTree
{
    public const int HashSize = 32;

    // _levels[h][i] = hash of leaves [i·2^h, (i+1)·2^h); level 0 holds the leaf hashes.
    private readonly List<List<byte[]>> _levels = [[]];

    public long Size => _levels[0].Count;

    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = data.Length <= 256 ? stackalloc byte[data.Length + 1] : new byte[data.Length + 1];
        buffer[0] = 0x00;
        data.CopyTo(buffer[1..]);
        return SHA256.HashData(buffer);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * HashSize];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        return SHA256.HashData(buffer);
    }

    public static readonly byte[] EmptyRoot = SHA256.HashData([]);

    public void AppendData(ReadOnlySpan<byte> data) => AppendLeafHash(LeafHash(data));

    public void AppendLeafHash(byte[] leafHash)
    {
        if (leafHash.Length != HashSize) throw new ArgumentException("A leaf hash is 32 bytes.", nameof(leafHash));
        _levels[0].Add(leafHash);
        // Complete every subtree this leaf closes.
        var index = _levels[0].Count - 1;
        for (var level = 0; (index & 1) == 1; level++, index >>= 1)
        {
            if (_levels.Count == level + 1) _levels.Add([]);
            var row = _levels[level];
            _levels[level + 1].Add(NodeHash(row[index - 1], row[index]));
        }
    }

    public byte[] LeafHashAt(long index) => _levels[0][checked((int)index)];

    /// <summary>MTH of the first <paramref name="size"/> leaves.</summary>
    public byte[] RootHash(long size)
    {
        CheckSize(size);
        return size == 0 ? (byte[])EmptyRoot.Clone() : Subtree(0, size);
    }

    /// <summary>RFC 9162 §2.1.3.1 PATH(m, D[0:n]).</summary>
    public List<byte[]> InclusionProof(long index, long size)
    {
        CheckSize(size);
        if (index < 0 || index >= size) throw new ArgumentOutOfRangeException(nameof(index), "The leaf is not in a tree of that size.");
        var proof = new List<byte[]>();
        Path(index, 0, size, proof);
        return proof;
    }

    /// <summary>RFC 9162 §2.1.4.1 PROOF(m, D[0:n]).</summary>
    public List<byte[]> ConsistencyProof(long oldSize, long newSize)
    {
        CheckSize(newSize);
        if (oldSize < 0 || oldSize > newSize) throw new ArgumentOutOfRangeException(nameof(oldSize), "The old size must be within the new one.");
        var proof = new List<byte[]>();
        if (oldSize == 0 || oldSize == newSize) return proof;
        SubProof(oldSize, 0, newSize, true, proof);
        return proof;
    }

    private void Path(long m, long start, long n, List<byte[]> proof)
    {
        if (n == 1) return;
        var k = LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            Path(m, start, k, proof);
            proof.Add(Subtree(start + k, n - k));
        }
        else
        {
            Path(m - k, start + k, n - k, proof);
            proof.Add(Subtree(start, k));
        }
    }

    private void SubProof(long m, long start, long n, bool whole, List<byte[]> proof)
    {
        if (m == n)
        {
            if (!whole) proof.Add(Subtree(start, m));
            return;
        }
        var k = LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            SubProof(m, start, k, whole, proof);
            proof.Add(Subtree(start + k, n - k));
        }
        else
        {
            SubProof(m - k, start + k, n - k, false, proof);
            proof.Add(Subtree(start, k));
        }
    }

    /// <summary>MTH of leaves [start, start+count): cached when it is a complete aligned subtree, else split as RFC 9162 does.</summary>
    private byte[] Subtree(long start, long count)
    {
        if (BitOperations.IsPow2(count) && start % count == 0)
        {
            var level = BitOperations.Log2((ulong)count);
            return _levels[level][checked((int)(start / count))];
        }
        var k = LargestPowerOfTwoBelow(count);
        return NodeHash(Subtree(start, k), Subtree(start + k, count - k));
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2).</summary>
    public static long LargestPowerOfTwoBelow(long n) => (long)BitOperations.RoundUpToPowerOf2((ulong)n) >> 1;

    private void CheckSize(long size)
    {
        if (size < 0 || size > Size) throw new ArgumentOutOfRangeException(nameof(size), "The tree is not that large.");
    }

    /// <summary>RFC 9162 §2.1.3.2: does <paramref name="proof"/> show <paramref name="leafHash"/> at <paramref name="index"/> under <paramref name="root"/>?</summary>
    public static bool VerifyInclusion(ReadOnlySpan<byte> leafHash, long index, long size, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (index < 0 || index >= size) return false;
        long fn = index, sn = size - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (p.Length != HashSize || sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                if ((fn & 1) == 0)
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            }
            else
            {
                r = NodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, root);
    }

    /// <summary>RFC 9162 §2.1.4.2: is the tree of size <paramref name="newSize"/> an append-only extension of the one of <paramref name="oldSize"/>?</summary>
    public static bool VerifyConsistency(long oldSize, long newSize, ReadOnlySpan<byte> oldRoot, ReadOnlySpan<byte> newRoot, IReadOnlyList<byte[]> proof)
    {
        if (oldSize < 0 || oldSize > newSize) return false;
        if (oldSize == newSize) return proof.Count == 0 && oldRoot.SequenceEqual(newRoot);
        if (oldSize == 0) return proof.Count == 0;
        if (proof.Count == 0 || proof.Any(p => p.Length != HashSize)) return false;
        var path = new List<byte[]>(proof);
        if (BitOperations.IsPow2((ulong)oldSize)) path.Insert(0, oldRoot.ToArray());
        long fn = oldSize - 1, sn = newSize - 1;
        while ((fn & 1) == 1) { fn >>= 1; sn >>= 1; }
        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                if ((fn & 1) == 0)
                    while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            }
            else
            {
                sr = NodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && CryptographicOperations.FixedTimeEquals(fr, oldRoot) && CryptographicOperations.FixedTimeEquals(sr, newRoot);
    }
}
