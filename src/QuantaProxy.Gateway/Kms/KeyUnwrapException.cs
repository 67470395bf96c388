namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// The key service answered and refused to unwrap: the ciphertext is corrupt or was wrapped under another key,
/// the encryption context differs, or access to the key is denied. Fail closed: retrying the same call cannot
/// succeed, so callers must not retry it blindly. The message never contains key material.
/// </summary>
public sealed class KeyUnwrapException : Exception
{
    public KeyUnwrapException()
        : base("The wrapped key could not be unwrapped.")
    {
    }

    public KeyUnwrapException(string message)
        : base(message)
    {
    }

    public KeyUnwrapException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
