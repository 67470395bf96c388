using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>
/// The server nonces (RFC 9449 §8) the token endpoint hands out in <c>DPoP-Nonce</c>. As in Okta, one nonce is current at a time
/// and is replaced periodically, and a replaced nonce keeps working until its lifetime ends (Okta: renewed daily, valid three
/// days; here a third of <see cref="SandboxOptions.DpopNonceLifetime"/> and the whole of it).
/// </summary>
internal sealed class DpopNonces(TimeSpan lifetime, TimeProvider clock)
{
    private const int MaxLength = 256;
    private readonly Lock _gate = new();
    private readonly List<(byte[] Nonce, DateTimeOffset Issued)> _live = [];

    /// <summary>The nonce to hand out now.</summary>
    public string Current()
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            Prune(now);
            if (_live.Count == 0 || now - _live[^1].Issued >= lifetime / 3)
                _live.Add((Encoding.ASCII.GetBytes(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24))), now));
            return Encoding.ASCII.GetString(_live[^1].Nonce);
        }
    }

    /// <summary>Whether the proof's <c>nonce</c> claim is a nonce this server handed out and that has not expired.</summary>
    public bool IsValid(string? nonce)
    {
        if (string.IsNullOrEmpty(nonce) || nonce.Length > MaxLength) return false;
        var presented = Encoding.UTF8.GetBytes(nonce);
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            Prune(now);
            var found = false;
            foreach (var (live, _) in _live) found |= CryptographicOperations.FixedTimeEquals(live, presented);
            return found;
        }
    }

    private void Prune(DateTimeOffset now) => _live.RemoveAll(n => now - n.Issued >= lifetime);
}
