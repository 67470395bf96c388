using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>An access token the org authorization server issued.</summary>
/// <param name="Hash">SHA-256 of the token's ASCII bytes: the store keeps no token itself, and a DPoP proof's <c>ath</c> is this hash.</param>
/// <param name="Jkt">Thumbprint of the DPoP key the token is bound to (<c>cnf.jkt</c>); null for a Bearer token.</param>
/// <param name="Epoch">The revocation epoch at issue; <see cref="SandboxFaults.RevokeAllTokens"/> moves to the next one.</param>
internal sealed record IssuedToken(byte[] Hash, string ClientId, FrozenSet<string> Scopes, string? Jkt, DateTimeOffset ExpiresAt, int Epoch);

/// <summary>The opaque access tokens issued so far, looked up by hash.</summary>
internal sealed class AccessTokens(SandboxFaults faults, TimeProvider clock)
{
    /// <summary>Longest <c>Authorization</c> credential looked up; issued tokens are 43 characters.</summary>
    public const int MaxTokenLength = 4096;

    private const int MinimumSweepAt = 1024;
    private readonly ConcurrentDictionary<string, IssuedToken> _byHash = new(StringComparer.Ordinal);
    private int _sweepAt = MinimumSweepAt;

    /// <summary>A new random token and its record.</summary>
    public (string Token, IssuedToken Record) Issue(string clientId, IEnumerable<string> scopes, string? jkt, TimeSpan lifetime)
    {
        if (_byHash.Count >= Volatile.Read(ref _sweepAt)) Sweep();
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var hash = HashOf(token);
        var record = new IssuedToken(hash, clientId, scopes.ToFrozenSet(StringComparer.Ordinal), jkt, clock.GetUtcNow() + lifetime, faults.TokenEpoch);
        _byHash[Base64Url.EncodeToString(hash)] = record;
        return (token, record);
    }

    /// <summary>
    /// The live record of a presented token (null when unknown, expired or revoked), and the base64url SHA-256 of the token,
    /// which is what a DPoP proof's <c>ath</c> must be.
    /// </summary>
    public IssuedToken? Find(string token, out string tokenHash)
    {
        var hash = HashOf(token);
        tokenHash = Base64Url.EncodeToString(hash);
        // The dictionary is keyed by the hash, so its lookup reveals nothing usable about the token; the fixed-time comparison
        // is the actual check.
        if (!_byHash.TryGetValue(tokenHash, out var record) || !CryptographicOperations.FixedTimeEquals(record.Hash, hash)) return null;
        return IsLive(record) ? record : null;
    }

    private bool IsLive(IssuedToken record) => record.Epoch == faults.TokenEpoch && clock.GetUtcNow() < record.ExpiresAt;

    private void Sweep()
    {
        foreach (var (key, record) in _byHash)
            if (!IsLive(record)) _byHash.TryRemove(key, out _);
        Volatile.Write(ref _sweepAt, Math.Max(MinimumSweepAt, _byHash.Count * 2));
    }

    private static byte[] HashOf(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));
}
