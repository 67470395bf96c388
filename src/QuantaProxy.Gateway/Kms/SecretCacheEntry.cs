namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// One cached secret and the references to it: the cache holds one until the entry is retired, each lease holds one
/// until released. Whoever drops the last reference disposes (zeroes) the secret, so retiring an entry never pulls a
/// secret out from under a caller still using it.
/// </summary>
internal sealed class SecretCacheEntry<TSecret>(string key, TSecret secret, long expiresAt)
    where TSecret : class, IDisposable
{
    private int _references = 1;

    public string Key { get; } = key;
    public TSecret Secret { get; } = secret;
    public long ExpiresAt { get; } = expiresAt;

    // The fields below belong to the owning cache and change only under its lock.
    public long Uses { get; set; }
    public bool Retired { get; set; }
    public LinkedListNode<SecretCacheEntry<TSecret>>? RecencyNode { get; set; }

    /// <summary>Takes a reference for a lease. Only the cache calls this, under its lock, while the entry is not retired
    /// (so its own reference is still held and the count cannot be zero).</summary>
    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
            Secret.Dispose();
    }
}
