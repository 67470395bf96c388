using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// Listens to the <c>QuantaProxy</c> and ASP.NET Core activity sources and the <c>QuantaProxy</c> meter for the
/// lifetime of a test, so the test can search every span attribute and metric tag (for secrets, or for names).
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public TelemetryCapture()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "QuantaProxy" || s.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || s.Name.StartsWith("System.Net", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == "QuantaProxy") l.EnableMeasurementEvents(instrument); };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Measurements.Enqueue((i.Name, v, Tags(tags))));
        _meters.SetMeasurementEventCallback<int>((i, v, tags, _) => Measurements.Enqueue((i.Name, v, Tags(tags))));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Measurements.Enqueue((i.Name, v, Tags(tags))));
        _meters.Start();
    }

    public ConcurrentQueue<Activity> Activities { get; } = new();

    public ConcurrentQueue<(string Name, object Value, string Tags)> Measurements { get; } = new();

    public void RecordObservableInstruments() => _meters.RecordObservableInstruments();

    /// <summary>Every span's name, display name, attributes, events and baggage, and every metric's tags, as one text.</summary>
    public string AllText =>
        string.Join('\n', Activities.SelectMany(a => a.TagObjects.Select(t => $"{a.OperationName} {t.Key}={t.Value}")
            .Concat(a.Events.SelectMany(e => e.Tags.Select(t => $"{a.OperationName} event {e.Name} {t.Key}={t.Value}")))
            .Concat(a.Baggage.Select(b => $"{a.OperationName} baggage {b.Key}={b.Value}"))
            .Append(a.DisplayName)))
        + "\n" + string.Join('\n', Measurements.Select(m => $"{m.Name} {m.Tags}"));

    private static string Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags) => string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}"));

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }
}
