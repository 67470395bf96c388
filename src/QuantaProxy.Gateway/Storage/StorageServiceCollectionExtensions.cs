using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Settings;

namespace QuantaProxy.Gateway.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The store (embedded SQLite or PostgreSQL) and its migrations.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var gateway = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            if (storage.Provider == StorageProvider.Postgres) return Database.ForPostgres(storage.ConnectionString!, storage.MaxPoolSize);
            DataDirectory.Create(gateway.DataDir);
            return Database.ForSqlite(storage.SqlitePath ?? Path.Combine(gateway.DataDir, "quantaproxy.db"));
        });
        services.AddSingleton<Migrator>();
        return services;
    }
}
