using QuantaProxy.Gateway.Agents;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Errors;

namespace QuantaProxy.Gateway.Auth;

/// <summary>
/// The authenticated caller of a request: which API key, which tenant (none for admin keys), which scopes; or, for a
/// verified agent token, the agent (and the person it acts for), whose id stands where an API key's would.
/// </summary>
public sealed class CallerContext(string apiKeyId, string? tenantId, IReadOnlyList<string> scopes, AgentIdentity? agent = null, string? personId = null)
{
    private static readonly object Key = new();

    /// <summary>The API key's id, or for an agent its <see cref="AgentIdentity.Actor"/> (what the audit's <c>actor</c> names).</summary>
    public string ApiKeyId { get; } = apiKeyId;
    /// <summary>Set only from a verified agent token (never from anything the caller merely asserts).</summary>
    public AgentIdentity? Agent { get; } = agent;
    public string? TenantId { get; } = tenantId;
    /// <summary>
    /// The Okta user id of the person a verified credential names: the <c>sub</c> of a console sign-in through the tenant's
    /// Okta, or the person an agent token acts for. Null for an API key and for the bootstrap admin-key session.
    /// </summary>
    public string? PersonId { get; } = personId ?? agent?.Human?.UserId;
    public IReadOnlyList<string> Scopes { get; } = scopes;
    public bool IsAdmin => TenantId is null && Scopes.Contains(ApiScopes.Admin);

    /// <summary>
    /// Throws 403 unless the key has <paramref name="scope"/>. The <c>admin</c> scope includes every other one: on the
    /// global admin key for every tenant, on a tenant's key for that tenant only (tenant resolution enforces that).
    /// </summary>
    public void Require(string scope)
    {
        if (Scopes.Contains(ApiScopes.Admin) || Scopes.Contains(scope)) return;
        throw new ApiException(StatusCodes.Status403Forbidden, ProblemCodes.InsufficientScope, $"This API key lacks the scope '{scope}'.");
    }

    /// <summary>
    /// The tenant a request acts on. A tenant's key implies its own tenant; naming another one answers 404 exactly like an
    /// unknown id, so ids of other tenants cannot be probed. The admin key must name the tenant.
    /// </summary>
    public string ResolveTenant(string? requested)
    {
        if (TenantId is not null)
        {
            if (requested is not null && !string.Equals(requested, TenantId, StringComparison.Ordinal)) throw ApiException.NotFound("Tenant");
            return TenantId;
        }
        if (string.IsNullOrEmpty(requested)) throw ApiException.BadRequest("The admin key must say which tenant: set tenant_id.", "tenant_id");
        return requested;
    }

    public static CallerContext Get(HttpContext context) => Find(context) ?? throw new InvalidOperationException("No authenticated caller on this request.");

    /// <summary>The request's caller, read from its verified principal (and kept for the rest of the request).</summary>
    public static CallerContext? Find(HttpContext context)
    {
        if (context.Items.TryGetValue(Key, out var v) && v is CallerContext cached) return cached;
        var caller = CallerClaims.FromPrincipal(context.User);
        if (caller is not null) context.Items[Key] = caller;
        return caller;
    }

    public static void Set(HttpContext context, CallerContext caller) => context.Items[Key] = caller;
}
