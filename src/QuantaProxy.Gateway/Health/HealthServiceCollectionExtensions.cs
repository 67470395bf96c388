namespace QuantaProxy.Gateway.Health;

public static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddHealth(this IServiceCollection services) => services.AddSingleton<KmsReadiness>();
}
