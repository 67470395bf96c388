using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The chains, the group-commit appender, the recorder, verification, and signed checkpoints.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<AuditAppender>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditAppender>());
        services.AddSingleton<AuditRecorder>();
        services.AddSingleton<AuditVerifier>();
        services.AddSingleton<AuditTreeCache>();
        services.AddSingleton<CheckpointService>();
        services.AddHostedService<CheckpointScheduler>();
        return services;
    }
}
