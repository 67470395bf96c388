using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Okta.Authentication;

namespace QuantaProxy.Gateway.Vault;

/// <summary>
/// Keeps the plaintext of recently unsealed <c>api_key</c> credential versions, so a proxied call costs no ML-KEM
/// decapsulation and no version-row read while its integration's credential is in memory.
/// </summary>
/// <remarks>
/// A credential version's sealed blob never changes once written (rotation writes a new version), so an entry keyed by
/// tenant, credential and version can never serve stale bytes. Whether the version may be used at all is not cached:
/// <see cref="VaultService.UnsealAsync"/> reads the credential's row on every call, so destroying or rotating a
/// credential takes effect on every replica at once. Entries live in pinned arrays, are zeroed when they expire, are
/// evicted or the process stops, and are copied out into a buffer the caller zeroes.
/// </remarks>
public sealed class UnsealedCredentialCache : IDisposable
{
    private readonly SecretCache<SecretBytes>? _cache;

    public UnsealedCredentialCache(IOptions<VaultOptions> options, TimeProvider time)
    {
        var settings = options.Value;
        if (settings.UnsealedCacheTtl > TimeSpan.Zero)
            _cache = new SecretCache<SecretBytes>(settings.UnsealedCacheTtl, long.MaxValue, settings.UnsealedCacheMaxEntries, time, "credentials");
    }

    /// <summary>Whether credentials of <paramref name="credentialType"/> are kept.</summary>
    public bool Keeps(string credentialType) => _cache is not null && credentialType == OktaCredential.ApiKey;

    /// <summary>A copy of the version's plaintext (the caller zeroes it), unsealed by <paramref name="unseal"/> only when not in memory.</summary>
    public ValueTask<byte[]> CopyAsync(string tenantId, string credentialId, int version, Func<CancellationToken, Task<byte[]>> unseal, CancellationToken ct)
    {
        if (_cache is null) throw new InvalidOperationException("The unsealed credential cache is off.");
        var key = CacheKey(tenantId, credentialId, version);
        return _cache.UseAsync(key, UnwrappedSecret.Load(key, unseal, SecretBytes.Copy), static secret => secret.Span.ToArray(), ct);
    }

    /// <summary>Drops a version from memory (after it was destroyed or replaced); true when it was there.</summary>
    public bool Evict(string tenantId, string credentialId, int version) => _cache?.Invalidate(CacheKey(tenantId, credentialId, version)) ?? false;

    public KmsCacheStats GetStats() => _cache is null ? default : KmsCacheStats.From(_cache.Counters);

    public void Dispose() => _cache?.Dispose();

    private static string CacheKey(string tenantId, string credentialId, int version) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{tenantId}/credential/{credentialId}/v{version}");
}
