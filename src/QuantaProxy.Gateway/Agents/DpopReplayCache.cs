using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// The proof ids (<c>jti</c>) this replica has accepted, each kept until its proof could no longer be accepted anyway
/// (its <c>iat</c> window has passed). Bounded: when full of live entries, new proofs are refused rather than forgetting
/// one that could then be replayed.
/// </summary>
public sealed class DpopReplayCache(IOptions<AgentOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Lock _sweep = new();

    /// <summary>False when the proof was seen before or the cache is full.</summary>
    public bool TryRemember(string thumbprint, string jti, DateTimeOffset until)
    {
        var now = time.GetUtcNow();
        if (_seen.Count >= options.Value.DpopReplayCacheMaxEntries)
        {
            lock (_sweep)
                foreach (var (key, expires) in _seen)
                    if (expires <= now) _seen.TryRemove(key, out _);
            if (_seen.Count >= options.Value.DpopReplayCacheMaxEntries) return false;
        }
        return _seen.TryAdd(thumbprint + "|" + jti, until);
    }
}
