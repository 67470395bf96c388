using Microsoft.Extensions.DependencyInjection.Extensions;
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
using QuantaProxy.Gateway.WebConsole;
using QuantaProxy.Gateway.Envelopes;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Okta;
using QuantaProxy.Gateway.Policies;
using QuantaProxy.Gateway.Proxy;
using QuantaProxy.Gateway.Transparent;
using QuantaProxy.Gateway.Storage;
using QuantaProxy.Gateway.Telemetry;
using QuantaProxy.Gateway.Tenants;
using QuantaProxy.Gateway.Vault;
using QuantaProxy.Gateway.Http;
using QuantaProxy.Gateway.Settings;
using QuantaProxy.Gateway.Health;
using QuantaProxy.Gateway.RateLimiting;

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
        DataDirectory.Create(options.DataDir);
        await app.Services.GetRequiredService<Migrator>().MigrateAsync(ct);
        await app.Services.GetRequiredService<AdminKeyBootstrapper>().EnsureAdminKeyAsync(ct);
        return app;
    }

    private static void ConfigureServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        // Tried first so a test host can supply its own clock.
        services.TryAddSingleton(TimeProvider.System);

        services.AddGatewaySettings(configuration);
        services.AddStorage(configuration);
        services.AddQuantaProxyKms(configuration);
        services.AddTenants();
        services.AddApiKeys();
        services.AddCallerAuthentication();
        services.AddQuantaProxyConsole(configuration);
        services.AddInboundRateLimiting(configuration);
        services.AddRequestHandling();
        services.AddAudit(configuration);
        services.AddVault(configuration);
        services.AddEnvelopes();
        services.AddIntegrations();
        services.AddOkta(configuration);
        services.AddProxy(configuration);
        services.AddTransparentProxy();
        services.AddQuantaProxyAgents(configuration);
        services.AddTenantPolicies(configuration);
        services.AddHealth();
        services.AddGatewayTelemetry(configuration);
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info = new() { Title = "QuantaProxy", Version = "v2", Description = "Outbound credential-sealing proxy for the Okta Management API." };
            return Task.CompletedTask;
        }));

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

    }

    private static void ConfigurePipeline(WebApplication app)
    {
        app.UseMiddleware<RequestIdMiddleware>();
        if (app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.HttpLogging) app.UseHttpLogging();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseRouting();
        app.UseConsoleFrontDoor();
        app.UseAuthentication();
        // Before authorization, so that a refused scope is recorded in the caller's chain like any refusal.
        app.UseMiddleware<AuditScopeMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseRateLimiter();

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
        app.MapTransparentEndpoints();
        app.MapCatalogEndpoints();
        app.MapAgentFeatureEndpoints();
        app.MapTenantPolicyEndpoints();
        app.MapBenchmarkPassthrough();
        app.MapQuantaProxyConsole();
    }
}
