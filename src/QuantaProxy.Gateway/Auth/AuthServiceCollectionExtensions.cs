using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using QuantaProxy.Gateway.Agents;

namespace QuantaProxy.Gateway.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>The policy scheme every endpoint authenticates with: it forwards to the API key or the agent token scheme.</summary>
    public const string CallerScheme = "Caller";

    /// <summary>
    /// The caller schemes and the fail-closed rule: every endpoint requires an authenticated caller unless it carries
    /// <see cref="IAllowAnonymous"/> (health, OpenAPI), and so does a request that matches no endpoint.
    /// </summary>
    public static IServiceCollection AddCallerAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(CallerScheme, null, o => o.ForwardDefaultSelector = AgentTokenAuthentication.SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddAgentToken();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(CallerScheme).RequireAuthenticatedUser().Build())
            .AddScopePolicies();
        // ScopeRequirement is its own handler, run by the framework's pass-through handler.
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ScopeRefusalResultHandler>();
        return services;
    }
}
