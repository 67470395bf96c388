namespace QuantaProxy.Gateway.Transparent;

public static class TransparentServiceCollectionExtensions
{
    public static IServiceCollection AddTransparentProxy(this IServiceCollection services)
    {
        services.AddSingleton<TransparentAnswerStage>();
        services.AddSingleton<TransparentPipeline>();
        return services;
    }
}
