using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>
/// The <c>jti</c> values already accepted (client assertions, DPoP proofs), each kept only while a JWT carrying it could still be
/// accepted on its times; after that its own <c>exp</c> or <c>iat</c> check refuses it. Entries are 128-bit hashes so memory
/// per entry is small and fixed whatever the client sends.
/// </summary>
internal sealed class ReplayCache(TimeProvider clock, int capacity = 4_000_000)
{
    private const int MinimumSweepAt = 4096;
    private readonly ConcurrentDictionary<UInt128, long> _seen = new();
    private int _sweepAt = MinimumSweepAt;
    private int _sweeping;

    /// <summary>Records the jti; false when it was seen before, or when the cache is full of live entries (refusing beats forgetting one).</summary>
    public bool TryUse(string purpose, string scope, string jti, DateTimeOffset keepUntil)
    {
        var now = clock.GetUtcNow();
        if (_seen.Count >= Volatile.Read(ref _sweepAt)) Sweep(now);
        if (_seen.Count >= capacity) return false;
        return _seen.TryAdd(Key(purpose, scope, jti), keepUntil.ToUnixTimeMilliseconds());
    }

    /// <summary>Drops entries past their keep-until time; runs when the count has doubled since the last sweep, so it costs O(1) per use.</summary>
    private void Sweep(DateTimeOffset now)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1) return;
        try
        {
            var cutoff = now.ToUnixTimeMilliseconds();
            foreach (var (key, keepUntil) in _seen)
                if (keepUntil < cutoff) _seen.TryRemove(key, out _);
            Volatile.Write(ref _sweepAt, Math.Max(MinimumSweepAt, _seen.Count * 2));
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private static UInt128 Key(string purpose, string scope, string jti)
    {
        // Length-prefixed so (scope, jti) pairs cannot run into one another.
        var text = $"{purpose}\n{scope.Length}:{scope}\n{jti}";
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
