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
        return services;
    }

    public static void MapAgentFeatureEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapTrustedIssuerEndpoints();
        app.MapAgentEndpoints();
        app.MapDelegationEndpoints();
    }
}
