using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Agents;

public static class AgentServiceCollectionExtensions
{
    /// <summary>Agents, delegations and the check of both subjects (the <c>AgentToken</c> scheme itself is added with the caller schemes).</summary>
    public static IServiceCollection AddQuantaProxyAgents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentOptions>().Bind(configuration.GetSection(AgentOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.AddSingleton<AgentStore>();
        services.AddSingleton<DelegationStore>();
        services.AddSingleton<IntegrationOktaReader>();
        services.AddSingleton<OktaPersonDirectory>();
        services.AddSingleton<DelegationGate>();
        services.AddSingleton<Hooks.OktaHookStore>();
        services.AddSingleton<Hooks.HookRateLimiter>();
        services.AddSingleton<Hooks.OktaRevocationProcessor>();
        services.AddSingleton<Hooks.SystemLogBackfill>();
        services.AddHostedService(sp => sp.GetRequiredService<Hooks.SystemLogBackfill>());
        return services;
    }

    public static void MapAgentFeatureEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapTrustedIssuerEndpoints();
        app.MapAgentEndpoints();
        app.MapDelegationEndpoints();
        Hooks.OktaHookEndpoints.MapOktaHookEndpoints(app);
    }
}
