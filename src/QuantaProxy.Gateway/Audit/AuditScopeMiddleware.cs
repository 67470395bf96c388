using QuantaProxy.Gateway.Audit;

namespace QuantaProxy.Gateway.Audit;

/// <summary>Gives every request of an authenticated caller its audit event id before any handler runs.</summary>
public sealed class AuditScopeMiddleware(RequestDelegate next, TimeProvider time)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (Auth.CallerContext.Find(http) is not null) AuditContext.Begin(http, time);
        return next(http);
    }
}
