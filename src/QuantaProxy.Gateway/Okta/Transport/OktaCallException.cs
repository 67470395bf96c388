namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>
/// The connector could not obtain an answer from Okta (as opposed to Okta answering with an error, which is a result).
/// Codes: okta_rate_limited, upstream_timeout, upstream_unavailable, okta_auth_failed, circuit_open, concurrency_limit,
/// upstream_response_too_large. Messages never contain credentials or payload values.
/// </summary>
public sealed class OktaCallException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
    public TimeSpan? RetryAfter { get; init; }
    /// <summary>False only when the request certainly never left the gateway, so the caller may safely send it again.</summary>
    public bool MayHaveReachedOkta { get; init; }
}
