using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Kms;

public static class KmsServiceCollectionExtensions
{
    /// <summary>Configuration key of the gateway's data folder, where the local master key file lives by default.</summary>
    public const string DataDirKey = "QuantaProxy:DataDir";

    public const string DefaultDataDir = "./data";

    /// <summary>
    /// Registers <see cref="KmsOptions"/> (section <c>QuantaProxy:Kms</c>, validated at start), the configured
    /// <see cref="IKeyWrapper"/> (a singleton, disposed with the container), <see cref="UnwrappedKeyCache"/>,
    /// <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is already registered, and a start-up
    /// check that opens the key wrapper before the gateway serves.
    /// </summary>
    public static IServiceCollection AddQuantaProxyKms(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<KmsOptions>()
            .Bind(configuration.GetSection(KmsOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KmsOptions>, KmsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<IKeyWrapper>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<KmsOptions>>();
            var loggers = provider.GetRequiredService<ILoggerFactory>();
            return options.Value.Provider switch
            {
                KmsProvider.AwsKms => new AwsKmsKeyWrapper(options, loggers.CreateLogger<AwsKmsKeyWrapper>()),
                _ => LocalKeyWrapper.OpenOrCreate(
                    options.Value.LocalMasterKeyPath ?? Path.Combine(configuration[DataDirKey] ?? DefaultDataDir, KmsOptions.DefaultLocalMasterKeyFileName),
                    loggers.CreateLogger<LocalKeyWrapper>()),
            };
        });
        services.TryAddSingleton<UnwrappedKeyCache>();
        services.AddHostedService<KmsStartupCheck>();
        return services;
    }
}
