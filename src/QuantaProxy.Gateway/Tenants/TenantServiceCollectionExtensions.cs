namespace QuantaProxy.Gateway.Tenants;

public static class TenantServiceCollectionExtensions
{
    public static IServiceCollection AddTenants(this IServiceCollection services)
    {
        services.AddSingleton<TenantStore>();
        services.AddSingleton<TenantDirectory>();
        services.AddSingleton<TenantKeyRing>();
        services.AddSingleton<TenantService>();
        return services;
    }
}
