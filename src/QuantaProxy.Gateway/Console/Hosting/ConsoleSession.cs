using System.Security.Claims;
using QuantaProxy.Gateway.Auth;

namespace QuantaProxy.Gateway.WebConsole;

/// <summary>The claims of a console session (cookie): the caller claims the API's own endpoints read, plus who and which tenant.</summary>
public static class ConsoleSession
{
    public const string Role = "qp:console_role";
    public const string Tenant = "qp:console_tenant";
    public const string Kind = "qp:console_kind";
    public const string DisplayName = "qp:console_name";
    public const string SignedInAt = "qp:console_signed_in";
    public const string AdminKeyId = "qp:console_admin_key";
    public const string KindOidc = "oidc";
    public const string KindBootstrap = "bootstrap";

    /// <summary>An absolute limit on a session, whatever its sliding renewals.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(8);

    /// <summary>The idle limit: a session unused this long is over.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    public static ClaimsPrincipal Create(CallerContext caller, string tenantId, string role, string kind, string displayName, DateTimeOffset now, string? adminKeyId = null)
    {
        var principal = CallerClaims.ToPrincipal(caller, ConsoleAuth.CookieScheme);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(Role, role));
        identity.AddClaim(new Claim(Tenant, tenantId));
        identity.AddClaim(new Claim(Kind, kind));
        identity.AddClaim(new Claim(DisplayName, displayName));
        identity.AddClaim(new Claim(SignedInAt, now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (adminKeyId is not null) identity.AddClaim(new Claim(AdminKeyId, adminKeyId));
        return principal;
    }

    public static string? TenantOf(ClaimsPrincipal user) => user.FindFirst(Tenant)?.Value;
    public static string? RoleOf(ClaimsPrincipal user) => user.FindFirst(Role)?.Value;
    public static string NameOf(ClaimsPrincipal user) => user.FindFirst(DisplayName)?.Value ?? "";
    public static string ActorOf(ClaimsPrincipal user) => user.FindFirst(CallerClaims.ApiKeyId)?.Value ?? "";
    /// <summary>A session signed in through Okta carries its person's Okta id; a bootstrap (admin-key) session names no person.</summary>
    public static bool NamesItsPerson(ClaimsPrincipal user) =>
        user.FindFirst(Kind)?.Value != KindOidc || user.FindFirst(CallerClaims.PersonId)?.Value is { Length: > 0 };

    public static bool IsTenantAdmin(ClaimsPrincipal user) => RoleOf(user) == SignIn.ConsoleRoles.TenantAdmin;
}
