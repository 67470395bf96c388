namespace QuantaProxy.Gateway.Kms;

/// <summary>The bound on secret cache keys, so a caller-supplied identifier cannot grow the cache's index without limit.</summary>
public static class SecretCacheKey
{
    public const int MaxLength = 512;

    public static void Check(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0 || key.Length > MaxLength)
            throw new ArgumentException($"A cache key must be 1 to {MaxLength} characters.", nameof(key));
    }
}
