using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// Stands for the log line someone will one day add: every request's headers and body at Debug, first in the
/// pipeline. The redaction tests install it so that secrets certainly reach the logging path, and then prove that
/// none of them comes out the other end.
/// </summary>
public sealed class CarelessRequestLogger(ILoggerFactory loggers) : IStartupFilter
{
    public const string Category = "Careless.RequestLogger";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var logger = loggers.CreateLogger(Category);
        app.Use(async (http, following) =>
        {
            http.Request.EnableBuffering();
            var body = await new StreamReader(http.Request.Body, Encoding.UTF8, leaveOpen: true).ReadToEndAsync(http.RequestAborted);
            http.Request.Body.Position = 0;
            var headers = string.Join('\n', http.Request.Headers.Select(h => $"{h.Key}: {h.Value}"));
#pragma warning disable CA2254 // Deliberately careless: the header dump is part of the template, as in a hurried log line.
            logger.LogDebug("Inbound " + http.Request.Method + " " + http.Request.Path + http.Request.QueryString + "\n" + headers + "\nbody {Body}", body);
#pragma warning restore CA2254
            logger.LogDebug("Inbound headers {Headers} query {Query} api key {ApiKey} authorization {Auth}", headers, http.Request.QueryString.Value,
                http.Request.Headers["X-API-Key"].ToString(), http.Request.Headers.Authorization.ToString());
            await following(http);
        });
        next(app);
    };
}
