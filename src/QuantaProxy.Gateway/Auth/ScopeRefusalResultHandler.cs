using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using QuantaProxy.Gateway.Errors;

namespace QuantaProxy.Gateway.Auth;

/// <summary>
/// A missing scope becomes the same <c>insufficient_scope</c> problem it always was, thrown so that the error middleware
/// records the refusal in the caller's chain; every other outcome is the framework's.
/// </summary>
public sealed class ScopeRefusalResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault() is { } missing)
            throw new ApiException(StatusCodes.Status403Forbidden, ProblemCodes.InsufficientScope, $"This API key lacks the scope '{missing.Scope}'.");
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
