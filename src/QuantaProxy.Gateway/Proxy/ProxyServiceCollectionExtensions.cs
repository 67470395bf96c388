namespace QuantaProxy.Gateway.Proxy;

public static class ProxyServiceCollectionExtensions
{
    public static IServiceCollection AddProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IdempotencyOptions>().Bind(configuration.GetSection(IdempotencyOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<IdempotencyOptions>, IdempotencyOptionsValidator>();
        services.AddSingleton<IdempotencyStore>();
        services.AddHostedService<IdempotencySweeper>();
        services.AddSingleton<Pipeline.ProxyDenials>();
        services.AddSingleton<Pipeline.ResolveIntegrationStage>();
        services.AddSingleton<Pipeline.ResolveOperationStage>();
        services.AddSingleton<Pipeline.AllowListStage>();
        services.AddSingleton<Pipeline.BindArgumentsStage>();
        services.AddSingleton<Pipeline.DelegationStage>();
        services.AddSingleton<Pipeline.IdempotencyStage>();
        services.AddSingleton<Pipeline.IntentStage>();
        services.AddSingleton<Pipeline.CredentialStage>();
        services.AddSingleton<Pipeline.OktaCallStage>();
        services.AddSingleton<Pipeline.SealAndRecordStage>();
        services.AddSingleton<Pipeline.OutboundPipeline>();
        return services;
    }
}
