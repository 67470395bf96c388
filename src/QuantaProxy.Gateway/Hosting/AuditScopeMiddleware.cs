using QuantaProxy.Gateway.Audit;

namespace QuantaProxy.Gateway.Hosting;

/// <summary>Gives every API request its audit event id before any handler runs.</summary>
public sealed class AuditScopeMiddleware(RequestDelegate next, TimeProvider time)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)) AuditContext.Begin(http, time);
        return next(http);
    }
}
