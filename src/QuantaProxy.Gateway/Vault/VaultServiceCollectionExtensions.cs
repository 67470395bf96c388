using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Vault;

public static class VaultServiceCollectionExtensions
{
    public static IServiceCollection AddVault(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VaultOptions>().Bind(configuration.GetSection(VaultOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VaultOptions>, VaultOptionsValidator>();
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<UnsealedCredentialCache>();
        services.AddSingleton<VaultService>();
        return services;
    }
}
