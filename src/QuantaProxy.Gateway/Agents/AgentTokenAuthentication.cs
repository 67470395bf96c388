using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Auth;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// The <c>AgentToken</c> scheme (the framework's JWT bearer handler with <see cref="AgentTokenValidator"/>) and the rule
/// the caller policy scheme uses to choose between it and the API key: an agent token is considered only on endpoints
/// marked <see cref="AcceptsAgentTokens"/>, and only when no API key is sent.
/// </summary>
public static class AgentTokenAuthentication
{
    public const string SchemeName = "AgentToken";

    public static AuthenticationBuilder AddAgentToken(this AuthenticationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<TrustedIssuerStore>();
        services.AddSingleton<TrustedIssuerRegistry>();
        services.AddSingleton<AgentTokenValidator>();
        services.AddSingleton<DpopReplayCache>();
        services.AddSingleton<DpopProofValidator>();
        services.AddSingleton<AgentTokenEvents>();
        builder.AddJwtBearer(SchemeName, _ => { });
        services.AddOptions<JwtBearerOptions>(SchemeName).Configure<AgentTokenValidator, AgentTokenEvents>((o, validator, events) =>
        {
            o.TokenHandlers.Clear();
            o.TokenHandlers.Add(validator);
            o.MapInboundClaims = false;
            o.SaveToken = false;
            o.IncludeErrorDetails = false;
            o.Events = events;
        });
        return builder;
    }

    public static string SelectScheme(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AcceptsAgentTokens>() is null) return ApiKeyAuthenticationHandler.SchemeName;
        if (context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header)) return ApiKeyAuthenticationHandler.SchemeName;
        if (ApiKeyAuthenticationHandler.SswsKey(context) is not null) return ApiKeyAuthenticationHandler.SchemeName;
        return context.Request.Headers.Authorization.Count > 0 ? SchemeName : ApiKeyAuthenticationHandler.SchemeName;
    }
}
