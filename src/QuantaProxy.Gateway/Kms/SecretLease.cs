namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// A secret held out of a <see cref="SecretCache{TSecret}"/>: it is not disposed, whatever the cache does with its entry,
/// until this lease is disposed. Dispose exactly once; later disposals do nothing.
/// </summary>
public sealed class SecretLease<TSecret> : IDisposable
    where TSecret : class, IDisposable
{
    private SecretCacheEntry<TSecret>? _entry;

    internal SecretLease(SecretCacheEntry<TSecret> entry) => _entry = entry;

    /// <summary>The secret; valid until the lease is disposed.</summary>
    public TSecret Secret => (Volatile.Read(ref _entry) ?? throw new ObjectDisposedException(nameof(SecretLease<TSecret>))).Secret;

    public void Dispose() => Interlocked.Exchange(ref _entry, null)?.Release();
}
