using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Telemetry;

/// <summary>Puts <see cref="LogRedaction"/> in front of every log the gateway writes, and keeps HTTP logging to headers and timings.</summary>
public static class LogRedactionSetup
{
    public static IServiceCollection AddLogRedaction(this IServiceCollection services)
    {
        // The factory the host registered (LoggerFactory) is built as usual, then wrapped.
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(ActivatorUtilities.CreateInstance<LoggerFactory>(sp))));
        services.AddHttpLogging(_ => { });
        // Whatever a later configuration asks for, HTTP logging never logs a body or a query string, and the credential headers are
        // never on its allow-list (it then writes them as [Redacted]); what it does write still passes the rules above.
        services.PostConfigure<HttpLoggingOptions>(o =>
        {
            o.LoggingFields &= ~(HttpLoggingFields.RequestBody | HttpLoggingFields.ResponseBody | HttpLoggingFields.RequestQuery);
            foreach (var header in LogRedaction.SensitiveHeaders)
            {
                o.RequestHeaders.Remove(header);
                o.ResponseHeaders.Remove(header);
            }
            o.CombineLogs = true;
        });
        return services;
    }
}
