namespace QuantaProxy.Gateway.Envelopes;

public static class EnvelopeServiceCollectionExtensions
{
    public static IServiceCollection AddEnvelopes(this IServiceCollection services) => services.AddSingleton<EnvelopeService>();
}
