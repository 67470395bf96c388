using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Proxy;

/// <summary>Maps the connector's own failures (not Okta's answers, which are envelopes) to problem+json.</summary>
public static class OktaProblems
{
    public static ApiException From(OktaCallException e) => e.Code switch
    {
        "okta_rate_limited" => new ApiException(429, e.Code, "Okta's rate limit is spent and resets after the call's deadline.") { RetryAfter = e.RetryAfter ?? TimeSpan.FromSeconds(1) },
        "upstream_timeout" => new ApiException(504, e.Code, "Okta did not answer within the call's deadline."),
        "okta_auth_failed" => new ApiException(502, e.Code, "Okta refused the integration's credential; check the service app and its key (invalid_client)."),
        "circuit_open" => new ApiException(503, e.Code, "Calls to this Okta org are paused after repeated failures.") { RetryAfter = e.RetryAfter ?? TimeSpan.FromSeconds(5) },
        "concurrency_limit" => new ApiException(503, e.Code, "Too many concurrent calls for this integration.") { RetryAfter = TimeSpan.FromSeconds(1) },
        OktaConnector.PathMismatchCode => new ApiException(400, e.Code, e.Message),
        "upstream_response_too_large" => new ApiException(502, e.Code, "Okta's answer exceeded the size limit."),
        _ => new ApiException(502, "upstream_unavailable", "Okta could not be reached."),
    };
}
