using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>What one proxied call has done so far across its attempts; read by the retry policy.</summary>
internal sealed class OktaCallState(OktaOperation operation, DateTimeOffset deadline)
{
    public OktaOperation Operation { get; } = operation;
    public DateTimeOffset Deadline { get; } = deadline;
    public int RateLimitRetries { get; set; }
    public int TransientRetries { get; set; }
    public int Attempts { get; set; }
    /// <summary>The X-Okta-Request-Id of the first rate-limited answer, sent back as X-Okta-Retry-For.</summary>
    public string? RetryFor { get; set; }
    public bool MayHaveReachedOkta { get; set; }
    /// <summary>The service-app token was renewed after a 401 in this call; it is renewed at most once per call.</summary>
    public bool TokenRenewed { get; set; }
    public TimeSpan NextDelay { get; set; }
}
