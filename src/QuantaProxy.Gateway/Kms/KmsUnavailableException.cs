namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// The key service could not be reached or did not answer in time (network error, timeout, throttling, 5xx,
/// credentials that cannot be obtained). Transient: the gateway answers 503 <c>kms_unavailable</c>, and the
/// same call may succeed once the key service is back. The message never contains key material.
/// </summary>
public sealed class KmsUnavailableException : Exception
{
    public KmsUnavailableException()
        : base("The key management service is unavailable.")
    {
    }

    public KmsUnavailableException(string message)
        : base(message)
    {
    }

    public KmsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
