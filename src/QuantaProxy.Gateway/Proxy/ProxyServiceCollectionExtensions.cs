namespace QuantaProxy.Gateway.Proxy;

public static class ProxyServiceCollectionExtensions
{
    public static IServiceCollection AddQuantaProxyProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IdempotencyOptions>().Bind(configuration.GetSection(IdempotencyOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<IdempotencyOptions>, IdempotencyOptionsValidator>();
        services.AddSingleton<IdempotencyStore>();
        services.AddHostedService<IdempotencySweeper>();
        return services;
    }
}
