namespace QuantaProxy.Gateway.Http;

public static class HttpServiceCollectionExtensions
{
    /// <summary>Bounded request bodies and the API's JSON conventions, shared by every endpoint.</summary>
    public static IServiceCollection AddRequestHandling(this IServiceCollection services)
    {
        services.AddSingleton<RequestBody>();
        services.ConfigureHttpJsonOptions(o => GatewayJson.Configure(o.SerializerOptions));
        return services;
    }
}
