namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>Okta's <c>X-Rate-Limit-Limit/Remaining/Reset</c> (reset in Unix seconds).</summary>
public sealed record RateLimitInfo(long Limit, long Remaining, long Reset);
