using Microsoft.AspNetCore.Authorization;
using QuantaProxy.Gateway.ApiKeys;

namespace QuantaProxy.Gateway.Auth;

/// <summary>The caller holds <see cref="Scope"/>, or <c>admin</c>, which includes every scope (of its own tenant only for a tenant key).</summary>
public sealed class ScopeRequirement(string scope) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public string Scope { get; } = scope;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var caller = CallerClaims.FromPrincipal(context.User);
        if (caller is not null && (caller.Scopes.Contains(ApiScopes.Admin) || caller.Scopes.Contains(requirement.Scope))) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
