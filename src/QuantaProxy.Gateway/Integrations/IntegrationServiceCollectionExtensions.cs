namespace QuantaProxy.Gateway.Integrations;

public static class IntegrationServiceCollectionExtensions
{
    public static IServiceCollection AddIntegrations(this IServiceCollection services) => services.AddSingleton<IntegrationStore>();
}
