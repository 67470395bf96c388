namespace QuantaProxy.Gateway.Proxy;

public static class ProxyServiceCollectionExtensions
{
    public static IServiceCollection AddQuantaProxyProxy(this IServiceCollection services, IConfiguration configuration)
    {
        _ = configuration;
        services.AddSingleton<IdempotencyStore>();
        return services;
    }
}
