using Microsoft.AspNetCore.Authorization;
using QuantaProxy.Gateway.ApiKeys;

namespace QuantaProxy.Gateway.Auth;

/// <summary>
/// One authorization policy per API scope, named <c>scope:&lt;scope&gt;</c>, so an endpoint's authorization is metadata that
/// can be read (and tested) rather than a call inside its handler.
/// </summary>
public static class ScopePolicies
{
    public const string Prefix = "scope:";

    public static string For(string scope) => Prefix + scope;

    public static AuthorizationBuilder AddScopePolicies(this AuthorizationBuilder builder)
    {
        foreach (var scope in ApiScopes.All)
            builder.AddPolicy(For(scope), policy => policy.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(scope)));
        return builder;
    }

    /// <summary>The endpoint (or group) needs a caller holding <paramref name="scope"/>.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(For(scope));
}
