using System.Security.Cryptography;

namespace QuantaProxy.Gateway.Kms;

/// <summary>Turns "unwrap, then expand" into a <see cref="SecretCache{TSecret}"/> load that zeroes the unwrapped bytes
/// as soon as the expanded form holds its own copy, whether or not expansion succeeds.</summary>
internal static class UnwrappedSecret
{
    public static Func<CancellationToken, Task<TSecret>> Load<TSecret>(string cacheKey, Func<CancellationToken, Task<byte[]>> unwrap, Func<ReadOnlySpan<byte>, TSecret> expand)
        where TSecret : class =>
        async token =>
        {
            var secret = await unwrap(token).ConfigureAwait(false);
            try
            {
                if (secret is null || secret.Length == 0)
                    throw new KeyUnwrapException($"Unwrapping '{cacheKey}' returned no key material.");
                return expand(secret) ?? throw new InvalidOperationException($"Expanding the key of '{cacheKey}' returned null.");
            }
            finally
            {
                if (secret is not null)
                    CryptographicOperations.ZeroMemory(secret);
            }
        };
}
