using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace QuantaProxy.Gateway.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// The caller schemes and the fail-closed rule: every endpoint requires an authenticated caller unless it carries
    /// <see cref="IAllowAnonymous"/> (health, OpenAPI), and so does a request that matches no endpoint.
    /// </summary>
    public static IServiceCollection AddCallerAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build())
            .AddScopePolicies();
        // ScopeRequirement is its own handler, run by the framework's pass-through handler.
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ScopeRefusalResultHandler>();
        return services;
    }
}
