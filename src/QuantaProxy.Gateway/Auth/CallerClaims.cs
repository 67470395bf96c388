using System.Security.Claims;

namespace QuantaProxy.Gateway.Auth;

/// <summary>The claims a verified caller carries, and the <see cref="CallerContext"/> read back from them.</summary>
public static class CallerClaims
{
    public const string ApiKeyId = "qp:api_key_id";
    public const string TenantId = "qp:tenant_id";
    public const string Scope = "qp:scope";
    public const string PersonId = "qp:person_id";

    public static ClaimsPrincipal ToPrincipal(CallerContext caller, string scheme)
    {
        var claims = new List<Claim> { new(ApiKeyId, caller.ApiKeyId), new(ClaimTypes.NameIdentifier, caller.ApiKeyId) };
        if (caller.TenantId is not null) claims.Add(new Claim(TenantId, caller.TenantId));
        claims.AddRange(caller.Scopes.Select(s => new Claim(Scope, s)));
        if (caller.Agent is null && caller.PersonId is not null) claims.Add(new Claim(PersonId, caller.PersonId));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.NameIdentifier, null));
    }

    /// <summary>The caller of an authenticated principal; null for an anonymous one.</summary>
    public static CallerContext? FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal?.Identity is not { IsAuthenticated: true } || principal.FindFirst(ApiKeyId)?.Value is not { } keyId) return null;
        return new CallerContext(keyId, principal.FindFirst(TenantId)?.Value, principal.FindAll(Scope).Select(c => c.Value).ToList(),
            personId: principal.FindFirst(PersonId)?.Value);
    }
}
