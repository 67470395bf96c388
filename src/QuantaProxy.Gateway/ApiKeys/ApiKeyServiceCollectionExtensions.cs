namespace QuantaProxy.Gateway.ApiKeys;

public static class ApiKeyServiceCollectionExtensions
{
    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<AdminKeyBootstrapper>();
        return services;
    }
}
