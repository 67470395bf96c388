using System.Numerics;
using System.Security.Cryptography;

namespace QuantaProxy.Crypto.Audit;

/// <summary>
/// An append-only RFC 9162 §2.1 Merkle tree over leaf hashes (<c>SHA-256(0x00 || data)</c>), keeping the hash of every
/// complete aligned subtree so a root of any size, an inclusion proof or a consistency proof costs O(log n) hashes
/// instead of O(n). Not thread-safe for appends; reads may run concurrently with each other unless leaves are retained
/// only in part (see <see cref="MerkleTree(int)"/>).
/// </summary>
public sealed class MerkleTree
{
    public const int HashSize = 32;
    private const int MaxProvidedChunks = 16;

    // _levels[h][i] = hash of leaves [i·2^h, (i+1)·2^h). Levels at or above _retainFrom hold every node; the levels below
    // hold only the nodes of the open chunk (the leaves after the last complete 2^_retainFrom-leaf subtree).
    private readonly List<List<byte[]>> _levels = [[]];
    private readonly int _retainFrom;
    private readonly Dictionary<long, List<List<byte[]>>> _providedChunks = [];
    private long _size;
    // The first leaf whose chunk's lower-level nodes are in _levels (the open chunk; during an append, the closing one).
    private long _lowerStart;

    /// <summary>A tree that keeps every node: 2 hashes (~130 bytes of heap) per leaf.</summary>
    public MerkleTree() : this(0)
    {
    }

    /// <summary>
    /// A tree that keeps only the subtrees of 2^<paramref name="retainFrom"/> leaves and above, plus the open chunk: memory
    /// per leaf falls by that factor. A proof or root that needs the inside of an older chunk throws
    /// <see cref="MerkleLeavesMissingException"/>; the caller reads those leaves back from its store and hands them to
    /// <see cref="ProvideLeaves"/>, which checks them against the subtree hash kept here, and asks again.
    /// </summary>
    public MerkleTree(int retainFrom)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retainFrom);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(retainFrom, 20);
        _retainFrom = retainFrom;
    }

    public long Size => _size;

    /// <summary>Leaves per chunk below which nodes are not kept (1 when every node is kept).</summary>
    public long ChunkSize => 1L << _retainFrom;

    private long OpenChunkStart => _size >> _retainFrom << _retainFrom;

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
        var index = _size;
        _size++;
        _levels[0].Add(leafHash);
        // Complete every subtree this leaf closes.
        for (var level = 0; (index & 1) == 1; level++, index >>= 1)
        {
            if (_levels.Count == level + 1) _levels.Add([]);
            _levels[level + 1].Add(NodeHash(Node(level, index - 1), Node(level, index)));
        }
        if (_retainFrom > 0 && (_size & (ChunkSize - 1)) == 0)
        {
            // The chunk is closed: its level-_retainFrom hash now stands for everything below it.
            for (var level = 0; level < _retainFrom && level < _levels.Count; level++) _levels[level].Clear();
            _lowerStart = _size;
        }
    }

    public byte[] LeafHashAt(long index)
    {
        if (index < 0 || index >= _size) throw new ArgumentOutOfRangeException(nameof(index), "The tree has no such leaf.");
        return Node(0, index);
    }

    /// <summary>
    /// Hands back the leaf hashes of a closed chunk this tree asked for (<see cref="MerkleLeavesMissingException"/>). They
    /// must hash to the subtree kept for that chunk, or nothing is kept and <see cref="InvalidDataException"/> says so.
    /// </summary>
    public void ProvideLeaves(long firstLeaf, IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        if (_retainFrom == 0 || firstLeaf < 0 || firstLeaf % ChunkSize != 0 || firstLeaf + ChunkSize > OpenChunkStart || leafHashes.Count != ChunkSize)
            throw new ArgumentException("Leaves are provided a whole closed chunk at a time.", nameof(leafHashes));
        var levels = new List<List<byte[]>> { new(leafHashes) };
        foreach (var leaf in leafHashes)
            if (leaf.Length != HashSize) throw new ArgumentException("A leaf hash is 32 bytes.", nameof(leafHashes));
        for (var level = 0; level < _retainFrom; level++)
        {
            var below = levels[level];
            var row = new List<byte[]>(below.Count / 2);
            for (var i = 0; i < below.Count; i += 2) row.Add(NodeHash(below[i], below[i + 1]));
            levels.Add(row);
        }
        var chunk = firstLeaf >> _retainFrom;
        if (!CryptographicOperations.FixedTimeEquals(levels[_retainFrom][0], _levels[_retainFrom][checked((int)chunk)]))
            throw new InvalidDataException($"The leaves provided for [{firstLeaf}, {firstLeaf + ChunkSize}) do not hash to the subtree this tree holds.");
        if (_providedChunks.Count >= MaxProvidedChunks) _providedChunks.Clear();
        _providedChunks[chunk] = levels;
    }

    /// <summary>The hash of node <paramref name="index"/> at <paramref name="level"/> (leaves [index·2^level, (index+1)·2^level)).</summary>
    private byte[] Node(int level, long index)
    {
        if (level >= _retainFrom) return _levels[level][checked((int)index)];
        var firstLeaf = index << level;
        if (firstLeaf >= _lowerStart) return _levels[level][checked((int)(index - (_lowerStart >> level)))];
        var chunk = firstLeaf >> _retainFrom;
        if (!_providedChunks.TryGetValue(chunk, out var levels)) throw new MerkleLeavesMissingException(chunk << _retainFrom, ChunkSize);
        return levels[level][checked((int)(index - (chunk << (_retainFrom - level))))];
    }

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
            return Node(BitOperations.Log2((ulong)count), start / count);
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
