using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Okta.Authentication;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Okta;

public static class OktaServiceCollectionExtensions
{
    public static IServiceCollection AddOkta(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OktaOptions>().Bind(configuration.GetSection(OktaOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OktaOptions>, OktaOptionsValidator>();
        services.AddSingleton<OktaDomainPolicy>();
        services.AddSingleton<OktaHttpClients>();
        services.AddSingleton<OktaResilience>();
        services.AddSingleton<OktaTokenProvider>();
        services.AddSingleton<OktaAuthorization>();
        services.AddSingleton<OktaCursors>();
        services.AddSingleton<OktaConnector>();
        return services;
    }
}
