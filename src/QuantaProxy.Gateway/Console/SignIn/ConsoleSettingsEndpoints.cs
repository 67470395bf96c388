using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Okta;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.WebConsole.SignIn;

/// <summary>
/// <c>PUT/GET /api/v2/tenants/{tenantId}/console-settings</c>: the tenant's console sign-in (Okta issuer, OIDC client id, group → role
/// mapping). An API like any other: the ApiKey scheme, the <c>admin</c> scope, intent and outcome events.
/// </summary>
public static class ConsoleSettingsEndpoints
{
    public const string EventType = "console.settings";
    private const int MaxGroups = 50;

    public sealed record ConsoleSettingsRequest(string Issuer, string ClientId, IReadOnlyDictionary<string, IReadOnlyList<string>> RoleGroups);
    public sealed record ConsoleSettingsView(string TenantId, string Issuer, string ClientId, IReadOnlyDictionary<string, IReadOnlyList<string>> RoleGroups,
        string UpdatedAt, string SignInPath, string AuditEventId);

    public static void MapConsoleSettingsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/tenants/{tenantId}/console-settings").WithTags("Console").RequireScope(ApiScopes.Admin);
        group.MapPut("", PutAsync).WithName("PutConsoleSettings").Accepts<ConsoleSettingsRequest>("application/json").Produces<ConsoleSettingsView>();
        group.MapGet("", GetAsync).WithName("GetConsoleSettings").Produces<ConsoleSettingsView>();
    }

    private static async Task<IResult> PutAsync(string tenantId, HttpContext http, RequestBody body, ConsoleSettingsStore store, ConsoleOidcSchemes schemes,
        AuditRecorder audit, IOptions<OktaOptions> okta, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        tenantId = caller.ResolveTenant(InputRules.Id(tenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        var (request, _) = await body.ReadJsonAsync<ConsoleSettingsRequest>(http);
        var issuer = CheckIssuer(request.Issuer, okta.Value.AllowLoopback);
        if (string.IsNullOrEmpty(request.ClientId) || request.ClientId.Length > 100 || !request.ClientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw ApiException.BadRequest("client_id is the console app's Okta client id.", "client_id");
        var roles = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (role, groups) in request.RoleGroups ?? throw ApiException.BadRequest("role_groups is required.", "role_groups"))
        {
            if (!ConsoleRoles.All.Contains(role)) throw ApiException.BadRequest("A role is tenant_admin, approver or auditor.", "role_groups");
            if (groups is null || groups.Count > MaxGroups || groups.Any(g => string.IsNullOrWhiteSpace(g) || g.Length > 255 || g.Any(char.IsControl)))
                throw ApiException.BadRequest($"Each role maps to at most {MaxGroups} Okta group names.", $"role_groups.{role}");
            roles[role] = groups.Distinct(StringComparer.Ordinal).ToList();
        }
        var settings = new ConsoleSettings(tenantId, issuer, request.ClientId, roles, Timestamps.Format(time.GetUtcNow()));
        await audit.RecordIntentAsync(http, tenantId, EventType, new AuditDetails(Detail: $"issuer={issuer};client_id={request.ClientId}"));
        await store.UpsertAsync(settings, http.RequestAborted);
        schemes.Forget(tenantId);
        var eventId = await audit.RecordAsync(http, tenantId, EventType, "updated", new AuditDetails(Detail: $"issuer={issuer};client_id={request.ClientId}"));
        return Results.Json(View(settings, eventId), GatewayJson.Options);
    }

    private static async Task<IResult> GetAsync(string tenantId, HttpContext http, ConsoleSettingsStore store, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        tenantId = caller.ResolveTenant(InputRules.Id(tenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        var settings = await store.FindAsync(tenantId, http.RequestAborted) ?? throw ApiException.NotFound("Console settings");
        var eventId = await audit.RecordAsync(http, tenantId, EventType, "read");
        return Results.Json(View(settings, eventId), GatewayJson.Options);
    }

    private static ConsoleSettingsView View(ConsoleSettings s, string eventId) =>
        new(s.TenantId, s.Issuer, s.ClientId, s.RoleGroups, s.UpdatedAt, ConsolePaths.SignInFor(s.TenantId), eventId);

    /// <summary>An https issuer without query, fragment or user info; http only on a loopback address with the development switch.</summary>
    internal static string CheckIssuer(string? issuer, bool allowLoopback)
    {
        const string Message = "issuer must be the https URL of the Okta authorization server (e.g. https://example.okta.com/oauth2/default).";
        if (string.IsNullOrEmpty(issuer) || issuer.Length > 500 || !Uri.TryCreate(issuer, UriKind.Absolute, out var uri)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            throw ApiException.BadRequest(Message, "issuer");
        var loopback = uri.IsLoopback && System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out _);
        if (uri.Scheme != Uri.UriSchemeHttps && !(allowLoopback && loopback && uri.Scheme == Uri.UriSchemeHttp))
            throw ApiException.BadRequest(Message, "issuer");
        return issuer.TrimEnd('/');
    }
}
