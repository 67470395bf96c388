using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using QuantaProxy.Gateway.Telemetry;

namespace QuantaProxy.Gateway.Benchmarking;

/// <summary>
/// Running totals of the gateway's own counters (<c>quantaproxy.kms.unwraps</c>, <c>quantaproxy.okta.token_requests</c>,
/// <c>quantaproxy.proxy.calls</c>, ...) and of outgoing HTTP requests per destination (from .NET's
/// <c>http.client.request.duration</c>), so the load benchmark can count KMS and Okta requests from the gateway's side
/// without an exporter. Benchmark-only: registered by <see cref="BenchmarkPassthrough"/>.
/// </summary>
public sealed class BenchmarkCounters : IDisposable
{
    private const string HttpMeter = "System.Net.Http";
    private const string HttpRequestDuration = "http.client.request.duration";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);

    public BenchmarkCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if ((instrument.Meter.Name == GatewayTelemetry.Name && instrument is Counter<long>)
                || (instrument.Meter.Name == HttpMeter && instrument.Name == HttpRequestDuration))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument.Name + Describe(tags, null), value));
        // One duration is recorded per finished request (retries included), so counting them counts requests.
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) => Add("http.client.requests" + Describe(tags, ["server.address", "server.port"]), 1));
        _listener.Start();
    }

    /// <summary>Totals since start, keyed <c>name{tag=value,...}</c>, sorted.</summary>
    public SortedDictionary<string, long> Snapshot() => new(_totals.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);

    public void Dispose() => _listener.Dispose();

    private void Add(string key, long value) => _totals.AddOrUpdate(key, value, (_, total) => total + value);

    private static string Describe(ReadOnlySpan<KeyValuePair<string, object?>> tags, string[]? only)
    {
        if (tags.Length == 0) return "";
        var parts = new List<string>(tags.Length);
        foreach (var (key, value) in tags)
        {
            if (only is null || only.Contains(key)) parts.Add($"{key}={Convert.ToString(value, CultureInfo.InvariantCulture)}");
        }
        parts.Sort(StringComparer.Ordinal);
        return parts.Count == 0 ? "" : "{" + string.Join(",", parts) + "}";
    }
}
