using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace QuantaProxy.Gateway.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>Traces and metrics of the <c>QuantaProxy</c> source and meter; exported over OTLP when an endpoint is set.</summary>
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLogRedaction();
        services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource(GatewayTelemetry.Name).AddAspNetCoreInstrumentation())
            .WithMetrics(m => m.AddMeter(GatewayTelemetry.Name));
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.ConfigureOpenTelemetryTracerProvider(t => t.AddOtlpExporter());
            services.ConfigureOpenTelemetryMeterProvider(m => m.AddOtlpExporter());
        }
        return services;
    }
}
