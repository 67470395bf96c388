using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using QuantaProxy.Gateway.Tests.Infrastructure;

namespace QuantaProxy.Gateway.Tests.Core;

/// <summary>Spans and metrics of the <c>QuantaProxy</c> source and meter exist, and none of them — nor any log line — carries a secret.</summary>
[NonParallelizable]
public sealed class TelemetryTests
{
    [Test]
    public async Task Spans_and_metrics_are_emitted_and_never_carry_secrets()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "QuantaProxy" || s.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var measurements = new ConcurrentQueue<(string Name, object Value, string Tags)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == "QuantaProxy") l.EnableMeasurementEvents(instrument); };
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        meters.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Enqueue((i.Name, v, string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        meters.Start();

        await using var host = await GatewayHost.StartAsync();
        var tenant = await TenantSession.CreateAsync(host, "telemetry");
        var secret = "canary-" + Guid.NewGuid().ToString("N");
        var credential = await host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "api_key", name = "t", secret = new { token = secret } });
        await host.OkAsync(HttpMethod.Post, "/api/v2/vault/unseal", tenant.ApiKey, new { credential_id = credential["credential_id"]!.GetValue<string>() });
        await host.SendAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "api_key", name = "t", secret = new { token = secret, extra = secret } });
        meters.RecordObservableInstruments();

        var names = activities.Where(a => a.Source.Name == "QuantaProxy").Select(a => a.OperationName).ToHashSet();
        Assert.That(names, Is.SupersetOf(new[] { "audit.append", "vault.unseal", "envelope.seal", "kms.unwrap" }));
        Assert.That(measurements.Select(m => m.Name), Does.Contain("quantaproxy.audit.batch_size"));
        Assert.That(measurements.Select(m => m.Name), Does.Contain("quantaproxy.kms.unwraps"));

        var everything = string.Join('\n', activities.SelectMany(a => a.TagObjects.Select(t => $"{a.OperationName} {t.Key}={t.Value}").Append(a.DisplayName)))
                         + string.Join('\n', measurements.Select(m => $"{m.Name} {m.Tags}"))
                         + host.Logs.AllText;
        Assert.That(everything, Does.Not.Contain(secret));
        Assert.That(everything, Does.Not.Contain(tenant.ApiKey));
        Assert.That(everything, Does.Not.Contain(host.AdminKey));
    }
}
