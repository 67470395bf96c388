using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;
using OpenTelemetry.Trace;
using QuantaProxy.Gateway.Agents;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Benchmarking;
using QuantaProxy.Gateway.Catalog;
using QuantaProxy.Gateway.Envelopes;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Okta;
using QuantaProxy.Gateway.Proxy;
using QuantaProxy.Gateway.Storage;
using QuantaProxy.Gateway.Telemetry;
using QuantaProxy.Gateway.Tenants;
using QuantaProxy.Gateway.Vault;

namespace QuantaProxy.Gateway.Hosting;

/// <summary>Builds the gateway: used by <c>Program</c>, the CLI's quick start, the tests and the benchmarks alike.</summary>
public static class GatewayApp
{
    /// <summary>Builds the app, applies storage migrations and installs the bootstrap admin key, ready to <c>StartAsync</c>.</summary>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseKestrelHttpsConfiguration();
        configure?.Invoke(builder);
        ConfigureServices(builder);
        // Off unless its configuration section is present; refused outside Development (see BenchmarkPassthrough).
        builder.AddBenchmarkPassthrough();
        var app = builder.Build();
        ConfigurePipeline(app);

        var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        CreateDataDir(options.DataDir);
        await app.Services.GetRequiredService<Migrator>().MigrateAsync(ct);
        await app.Services.GetRequiredService<AdminKeyBootstrapper>().EnsureAdminKeyAsync(ct);
        return app;
    }

    private static void ConfigureServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();

        var gatewayOptions = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = gatewayOptions.Limits.MaxRequestBodyBytes + 1;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestHeaderCount = 64;
            if (gatewayOptions.Limits.RequestHeadersTimeout > TimeSpan.Zero) kestrel.Limits.RequestHeadersTimeout = gatewayOptions.Limits.RequestHeadersTimeout;
            // Out-of-range values are left to GatewayOptionsValidator, whose message names the setting; MinDataRate would throw a bare one.
            var limits = gatewayOptions.Limits;
            if (limits.MinRequestBodyBytesPerSecond > 0 && limits.MinRequestBodyDataRateGracePeriod > TimeSpan.FromSeconds(1))
                kestrel.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(limits.MinRequestBodyBytesPerSecond, limits.MinRequestBodyDataRateGracePeriod);
        });

        services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var gateway = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            if (storage.Provider == StorageProvider.Postgres) return Database.ForPostgres(storage.ConnectionString!, storage.MaxPoolSize);
            CreateDataDir(gateway.DataDir);
            return Database.ForSqlite(storage.SqlitePath ?? Path.Combine(gateway.DataDir, "quantaproxy.db"));
        });
        services.AddSingleton<Migrator>();
        services.AddSingleton<TenantStore>();
        services.AddSingleton<TenantDirectory>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<AdminKeyBootstrapper>();

        services.AddQuantaProxyKms(configuration);

        services.AddCallerAuthentication();
        services.AddSingleton<KmsReadiness>();
        services.AddSingleton<TenantKeyRing>();
        services.AddSingleton<TenantService>();
        services.AddSingleton<EnvelopeService>();
        services.AddOptions<VaultOptions>().Bind(configuration.GetSection(VaultOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VaultOptions>, VaultOptionsValidator>();
        services.AddSingleton<UnsealedCredentialCache>();
        services.AddSingleton<VaultService>();
        services.AddSingleton<RequestBody>();
        services.AddSingleton<AuditAppender>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditAppender>());
        services.AddSingleton<AuditRecorder>();
        services.AddQuantaProxyAudit(configuration);
        services.AddInboundRateLimiting(configuration);
        services.AddSingleton<IntegrationStore>();
        services.AddQuantaProxyOkta(configuration);
        services.AddQuantaProxyProxy(configuration);
        services.AddQuantaProxyAgents(configuration);

        services.AddLogRedaction();
        services.ConfigureHttpJsonOptions(o => GatewayJson.Configure(o.SerializerOptions));
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info = new() { Title = "QuantaProxy", Version = "v2", Description = "Outbound credential-sealing proxy for the Okta Management API." };
            return Task.CompletedTask;
        }));

        var otel = services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource(GatewayTelemetry.Name).AddAspNetCoreInstrumentation())
            .WithMetrics(m => m.AddMeter(GatewayTelemetry.Name));
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.ConfigureOpenTelemetryTracerProvider(t => t.AddOtlpExporter());
            services.ConfigureOpenTelemetryMeterProvider(m => m.AddOtlpExporter());
        }
        _ = otel;
    }

    private static void ConfigurePipeline(WebApplication app)
    {
        app.UseMiddleware<RequestIdMiddleware>();
        if (app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.HttpLogging) app.UseHttpLogging();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<AuditScopeMiddleware>();

        app.MapHealthEndpoints();
        // The API's description is public, as on any documented API; everything else needs a caller (AddCallerAuthentication).
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        if (app.Environment.IsDevelopment()) app.MapScalarApiReference("/docs", o => o.WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
        app.MapTenantEndpoints();
        app.MapApiKeyEndpoints();
        app.MapAdminKeyEndpoints();
        app.MapVaultEndpoints();
        app.MapAuditEndpoints();
        app.MapIntegrationEndpoints();
        app.MapProxyEndpoints();
        app.MapCatalogEndpoints();
        app.MapAgentFeatureEndpoints();
        app.MapBenchmarkPassthrough();
    }

    private static void CreateDataDir(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
