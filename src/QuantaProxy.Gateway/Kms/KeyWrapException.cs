namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// The key service answered and refused to wrap under the given key (the key does not exist, is disabled or
/// pending deletion, is not a symmetric encryption key, or access is denied). A configuration problem of the
/// tenant's key reference: retrying the same call cannot succeed.
/// </summary>
public sealed class KeyWrapException : Exception
{
    public KeyWrapException()
        : base("The key could not be wrapped.")
    {
    }

    public KeyWrapException(string message)
        : base(message)
    {
    }

    public KeyWrapException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
