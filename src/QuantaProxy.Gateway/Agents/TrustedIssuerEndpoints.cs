using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.Vault;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Agents;

public static class TrustedIssuerEndpoints
{
    public sealed record CreateTrustedIssuerRequest(string Issuer, string Audience, string TokenShape, IReadOnlyList<string>? Algorithms = null, string? TenantId = null);
    public sealed record TrustedIssuerView(string TrustedIssuerId, string TenantId, string Issuer, string Audience, IReadOnlyList<string> Algorithms, string TokenShape, string CreatedAt, string AuditEventId);
    public sealed record TrustedIssuerListResponse(IReadOnlyList<TrustedIssuerView> TrustedIssuers, string AuditEventId);
    public sealed record DeleteTrustedIssuerResponse(string TrustedIssuerId, bool Deleted, string AuditEventId);

    public static void MapTrustedIssuerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/trusted-issuers").WithTags("Agents").RequireScope(ApiScopes.Admin);
        group.MapPost("", CreateAsync).WithName("CreateTrustedIssuer").Accepts<CreateTrustedIssuerRequest>("application/json").Produces<TrustedIssuerView>(201);
        group.MapGet("", ListAsync).WithName("ListTrustedIssuers").Produces<TrustedIssuerListResponse>();
        group.MapDelete("/{trustedIssuerId}", DeleteAsync).WithName("DeleteTrustedIssuer").Produces<DeleteTrustedIssuerResponse>();
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RequestBody body, TrustedIssuerStore store, TrustedIssuerRegistry registry,
        OktaDomainPolicy domains, AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<CreateTrustedIssuerRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? null : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        var issuer = IssuerUrl.Normalize(domains, request.Issuer);
        var audience = AgentInput.Identifier(request.Audience, "audience");
        if (request.TokenShape is null || !TokenShapes.All.Contains(request.TokenShape))
            throw ApiException.BadRequest("token_shape must be agbac, token_exchange or agent_only.", "token_shape");
        var algorithms = Algorithms(request.Algorithms);
        var record = new TrustedIssuerRecord(PrefixedId.New(PrefixedId.TrustedIssuer, time.GetUtcNow()), tenantId, issuer, audience, algorithms, request.TokenShape,
            Timestamps.Format(time.GetUtcNow()));
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.TrustedIssuerCreate, new AuditDetails(Detail: $"trusted_issuer={record.Id}"));
        if (!await store.InsertAsync(record, http.RequestAborted))
            throw new ApiException(409, ProblemCodes.Conflict, "This issuer and audience are already trusted.", "audience");
        registry.Invalidate();
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.TrustedIssuerCreate, "created",
            new AuditDetails(Detail: $"trusted_issuer={record.Id};issuer={issuer};shape={record.TokenShape};algorithms={string.Join(' ', algorithms)}"));
        return Results.Json(View(record, eventId), GatewayJson.Options, statusCode: 201);
    }

    private static async Task<IResult> ListAsync(HttpContext http, TrustedIssuerStore store, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        var records = await store.ListAsync(tenantId, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.TrustedIssuerRead, "ok");
        return Results.Json(new TrustedIssuerListResponse(records.Select(r => View(r, eventId)).ToList(), eventId), GatewayJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string trustedIssuerId, HttpContext http, TrustedIssuerStore store, TrustedIssuerRegistry registry, AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        trustedIssuerId = InputRules.Id(trustedIssuerId, PrefixedId.TrustedIssuer, "Trusted issuer");
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.TrustedIssuerDelete, new AuditDetails(Detail: $"trusted_issuer={trustedIssuerId}"));
        if (!await store.DeleteAsync(tenantId, trustedIssuerId, Timestamps.Format(time.GetUtcNow()), http.RequestAborted)) throw ApiException.NotFound("Trusted issuer");
        registry.Invalidate();
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.TrustedIssuerDelete, "deleted", new AuditDetails(Detail: $"trusted_issuer={trustedIssuerId}"));
        return Results.Json(new DeleteTrustedIssuerResponse(trustedIssuerId, true, eventId), GatewayJson.Options);
    }

    private static List<string> Algorithms(IReadOnlyList<string>? requested)
    {
        if (requested is null || requested.Count == 0) return ["RS256"];
        if (requested.Count > 3) throw ApiException.BadRequest("algorithms has at most RS256, ES256 and PS256.", "algorithms");
        for (var i = 0; i < requested.Count; i++)
            if (!TokenShapes.Algorithms.Contains(requested[i] ?? ""))
                throw ApiException.BadRequest("Only RS256, ES256 and PS256 are accepted: never none, and never HMAC (a public key could forge it).", $"algorithms[{i}]");
        return requested.Distinct(StringComparer.Ordinal).ToList();
    }

    private static TrustedIssuerView View(TrustedIssuerRecord r, string eventId) => new(r.Id, r.TenantId, r.Issuer, r.Audience, r.Algorithms, r.TokenShape, r.CreatedAt, eventId);
}
