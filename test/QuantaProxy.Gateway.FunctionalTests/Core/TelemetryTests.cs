using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

/// <summary>Spans and metrics of the <c>QuantaProxy</c> source and meter exist, and none of them — nor any log line — carries a secret.</summary>
[NonParallelizable]
public sealed class TelemetryTests
{
    [Test]
    public async Task Spans_and_metrics_are_emitted_and_never_carry_secrets()
    {
        using var telemetry = new TelemetryCapture();
        await using var host = await GatewayHost.StartAsync();
        var tenant = await TenantSession.CreateAsync(host, "telemetry");
        var secret = "canary-" + Guid.NewGuid().ToString("N");
        var credential = await host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "api_key", name = "t", secret = new { token = secret } });
        await host.OkAsync(HttpMethod.Post, "/api/v2/vault/unseal", tenant.ApiKey, new { credential_id = credential["credential_id"]!.GetValue<string>() });
        await host.SendAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "api_key", name = "t", secret = new { token = secret, extra = secret } });
        telemetry.RecordObservableInstruments();

        var names = telemetry.Activities.Where(a => a.Source.Name == "QuantaProxy").Select(a => a.OperationName).ToHashSet();
        Assert.That(names, Is.SupersetOf(new[] { "audit.append", "vault.unseal", "envelope.seal", "kms.unwrap" }));
        Assert.That(telemetry.Measurements.Select(m => m.Name), Does.Contain("quantaproxy.audit.batch_size"));
        Assert.That(telemetry.Measurements.Select(m => m.Name), Does.Contain("quantaproxy.kms.unwraps"));

        var everything = telemetry.AllText + host.Logs.AllText;
        Assert.That(everything, Does.Not.Contain(secret));
        Assert.That(everything, Does.Not.Contain(tenant.ApiKey));
        Assert.That(everything, Does.Not.Contain(host.AdminKey));
    }
}
