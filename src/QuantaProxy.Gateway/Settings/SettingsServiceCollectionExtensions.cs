using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Settings;

public static class SettingsServiceCollectionExtensions
{
    /// <summary>The gateway-wide settings (data folder, bootstrap key, request limits), validated at start-up.</summary>
    public static IServiceCollection AddGatewaySettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        return services;
    }
}
