using Microsoft.AspNetCore.Http;
using QuantaProxy.Gateway.Okta.Authentication;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>One HTTP exchange with Okta: its status, the headers the connector reads, and the captured body.</summary>
internal sealed record OktaAttempt(int Status, IHeaderDictionary Headers, ReadOnlyMemory<byte> Body)
{
    /// <summary>The answer came from the token endpoint: the Management API was never called.</summary>
    public bool FromTokenEndpoint { get; init; }

    public static OktaAttempt FromTokenRefusal(OktaTokenRefusedException e) => new(e.Status, e.Headers, e.Body) { FromTokenEndpoint = true };

    public string? RequestId => Single("X-Okta-Request-Id");

    public string? Single(string name)
    {
        var values = Headers[name];
        return values.Count == 1 ? values[0] : null;
    }

    public long? Number(string name) => long.TryParse(Single(name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    public RateLimitInfo? RateLimit => Number("X-Rate-Limit-Limit") is { } limit && Number("X-Rate-Limit-Remaining") is { } remaining && Number("X-Rate-Limit-Reset") is { } reset
        ? new RateLimitInfo(limit, remaining, reset)
        : null;
}
