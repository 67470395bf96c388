using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace QuantaProxy.Gateway.Telemetry;

/// <summary>The <c>QuantaProxy</c> activity source and meter. Tags carry ids and outcomes only — never secrets or payloads.</summary>
public static class GatewayTelemetry
{
    public const string Name = "QuantaProxy";

    public static readonly ActivitySource Source = new(Name, "1.0");
    public static readonly Meter Meter = new(Name, "1.0");

    public static readonly Counter<long> ProxyCalls = Meter.CreateCounter<long>("quantaproxy.proxy.calls", description: "Proxied calls by operation and outcome");
    public static readonly Histogram<double> ProxyDuration = Meter.CreateHistogram<double>("quantaproxy.proxy.duration", "ms", "End-to-end proxied call latency");
    public static readonly Histogram<int> AuditBatchSize = Meter.CreateHistogram<int>("quantaproxy.audit.batch_size", description: "Events per group commit");
    public static readonly Histogram<double> AuditAppendDuration = Meter.CreateHistogram<double>("quantaproxy.audit.append_duration", "ms", "Group commit latency");
    public static readonly Histogram<double> AuditLag = Meter.CreateHistogram<double>("quantaproxy.audit.lag", "ms", "From enqueue to durable, per event");
    public static readonly Counter<long> KmsUnwraps = Meter.CreateCounter<long>("quantaproxy.kms.unwraps", description: "Keys unwrapped by KMS (cache misses)");
    public static readonly Counter<long> OktaTokenRequests = Meter.CreateCounter<long>("quantaproxy.okta.token_requests", description: "Requests to Okta's token endpoint by outcome");
    public static readonly Counter<long> OktaTokenCache = Meter.CreateCounter<long>("quantaproxy.okta.token_cache_lookups", description: "Service-app token cache lookups by result");
    public static readonly Counter<long> KeyCacheLookups = Meter.CreateCounter<long>("quantaproxy.keys.cache_lookups", description: "Unwrapped key cache lookups by result");

    private static readonly ConcurrentDictionary<string, long> RateLimitRemaining = new(StringComparer.Ordinal);

    /// <summary>Okta's X-Rate-Limit-Remaining as last seen per integration: the dashboard's early warning before 429s.</summary>
    public static readonly ObservableGauge<long> OktaRateLimitRemaining = Meter.CreateObservableGauge(
        "quantaproxy.okta.rate_limit_remaining",
        () => RateLimitRemaining.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>("integration_id", p.Key))),
        description: "Okta X-Rate-Limit-Remaining last seen, per integration");

    public static void RecordRateLimitRemaining(string integrationId, long remaining) => RateLimitRemaining[integrationId] = remaining;

    public static void ForgetIntegration(string integrationId) => RateLimitRemaining.TryRemove(integrationId, out _);
}
