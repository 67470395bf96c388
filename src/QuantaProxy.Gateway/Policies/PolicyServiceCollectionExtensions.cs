using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Policies;

public static class PolicyServiceCollectionExtensions
{
    /// <summary>Tenant policy sets, kill switches and the policy stage of the outbound pipeline.</summary>
    public static IServiceCollection AddTenantPolicies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PolicyOptions>().Bind(configuration.GetSection(PolicyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>();
        services.AddSingleton<PolicyStore>();
        services.AddSingleton<PolicyCache>();
        services.AddSingleton<KillSwitchStore>();
        services.AddSingleton<KillSwitchCache>();
        services.AddSingleton<OktaGroupDirectory>();
        services.AddSingleton<PolicyFactsReader>();
        services.AddSingleton<ApprovalStore>();
        services.AddSingleton<ApprovalService>();
        services.AddSingleton<DailyCallCounter>();
        services.AddHostedService<DailyCallCounterFlusher>();
        services.AddSingleton<PolicyStage>();
        return services;
    }

    public static void MapTenantPolicyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPolicyEndpoints();
        app.MapKillSwitchEndpoints();
        app.MapApprovalEndpoints();
    }
}
