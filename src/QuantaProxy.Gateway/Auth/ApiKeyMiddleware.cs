using QuantaProxy.Gateway.Errors;

namespace QuantaProxy.Gateway.Auth;

/// <summary>Every <c>/api/</c> request needs a valid API key; anything else is a 401 problem before any handler runs.</summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyAuthenticator authenticator)
{
    public const string Header = "X-API-Key";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        var values = context.Request.Headers[Header];
        var caller = values.Count == 1 ? await authenticator.AuthenticateAsync(values[0], context.RequestAborted) : null;
        if (caller is null)
        {
            context.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-API-Key\"";
            await ProblemWriter.WriteAsync(context, StatusCodes.Status401Unauthorized, ProblemCodes.Unauthenticated,
                values.Count == 0 ? "Send an API key in the X-API-Key header." : "The API key is not valid.");
            return;
        }
        CallerContext.Set(context, caller);
        await next(context);
    }
}
