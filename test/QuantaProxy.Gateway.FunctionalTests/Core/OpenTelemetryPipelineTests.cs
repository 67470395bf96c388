using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

/// <summary>
/// The gateway's own OpenTelemetry pipeline (the providers it registers, as an OTLP exporter would see them) carries
/// the proxy's spans and metrics, and none of what it exports holds a credential, API key or payload value.
/// </summary>
public sealed class OpenTelemetryPipelineTests
{
    [Test]
    public async Task Exported_spans_and_metrics_cover_the_proxy_path_and_hold_no_secret_or_payload()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var oktaToken = "00otel" + Guid.NewGuid().ToString("N");
        var payloadCanary = "payload-canary-" + Guid.NewGuid().ToString("N")[..12];
        await using var okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { oktaToken }, SeedUsers = 20 });
        await using var host = await GatewayHost.StartAsync(StoreKind.Sqlite, configure: builder =>
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
            builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics));
        });
        var tenant = await TenantSession.CreateAsync(host, "otel");
        var credential = await host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "api_key", name = "okta", secret = new { token = oktaToken } });
        var integration = await host.OkAsync(HttpMethod.Post, "/api/v2/integrations", tenant.ApiKey, new
        {
            system_type = "okta", name = "otel", okta_domain = okta.BaseAddress.ToString().TrimEnd('/'), credential_id = credential["credential_id"]!.GetValue<string>(),
            scopes = new[] { "okta.users.read" }, allowed_operations = new[] { "list_users" },
        });
        var (response, _) = await host.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", tenant.ApiKey,
            new { integration_id = integration["integration_id"]!.GetValue<string>(), operation = "list_users", payload = new { q = payloadCanary, limit = 2 } });
        Assert.That((int)response.StatusCode, Is.EqualTo(200));

        Assert.That(host.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000), Is.True);
        Assert.That(host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000), Is.True);

        var spanNames = spans.Where(s => s.Source.Name == "QuantaProxy").Select(s => s.OperationName).ToHashSet();
        Assert.That(spanNames, Is.SupersetOf(new[] { "proxy.call", "vault.unseal", "okta.request", "envelope.seal", "audit.append" }));
        var proxySpan = spans.Single(s => s.OperationName == "proxy.call");
        Assert.That(spans.Single(s => s.OperationName == "okta.request").ParentSpanId, Is.Not.EqualTo(default(ActivitySpanId)));
        Assert.That(proxySpan.TagObjects.Select(t => t.Key), Does.Contain("qp.operation"));

        var metricNames = metrics.Select(m => m.Name).ToHashSet();
        Assert.That(metricNames, Is.SupersetOf(new[]
        {
            "quantaproxy.proxy.calls", "quantaproxy.proxy.duration", "quantaproxy.okta.rate_limit_remaining",
            "quantaproxy.audit.batch_size", "quantaproxy.audit.lag", "quantaproxy.keys.cache_lookups",
        }));

        var exported = string.Join('\n', spans.SelectMany(s => s.TagObjects.Select(t => $"{s.OperationName} {t.Key}={t.Value}").Append(s.DisplayName)))
                       + string.Join('\n', metrics.SelectMany(MetricTags));
        Assert.Multiple(() =>
        {
            Assert.That(exported, Does.Not.Contain(oktaToken));
            Assert.That(exported, Does.Not.Contain(payloadCanary));
            Assert.That(exported, Does.Not.Contain(tenant.ApiKey));
            Assert.That(exported, Does.Not.Contain(host.AdminKey));
        });
    }

    private static List<string> MetricTags(Metric metric)
    {
        var tags = new List<string>();
        foreach (ref readonly var point in metric.GetMetricPoints())
            foreach (var tag in point.Tags)
                tags.Add($"{metric.Name} {tag.Key}={tag.Value}");
        return tags;
    }
}
