using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Http;
using QuantaProxy.Gateway.Vault;

namespace QuantaProxy.Gateway.Policies;

/// <summary>Kill switches: stop every call of an integration, an agent or an API key at once, on every replica within a second.</summary>
public static class KillSwitchEndpoints
{
    public const string IdPrefix = "ksw_";

    public sealed record CreateKillSwitchRequest(string? TargetType = null, string? TargetId = null, string? Reason = null, string? TenantId = null);
    public sealed record KillSwitchView(string KillSwitchId, string TenantId, string TargetType, string TargetId, string Reason, string CreatedBy, string CreatedAt, string AuditEventId);
    public sealed record KillSwitchListResponse(IReadOnlyList<KillSwitchView> KillSwitches, string AuditEventId);
    public sealed record DeleteKillSwitchResponse(string KillSwitchId, bool Deleted, string AuditEventId);

    public static void MapKillSwitchEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/kill-switches").WithTags("Policies").RequireScope(ApiScopes.Admin);
        group.MapPost("", CreateAsync).WithName("CreateKillSwitch").Accepts<CreateKillSwitchRequest>("application/json").Produces<KillSwitchView>(201);
        group.MapGet("", ListAsync).WithName("ListKillSwitches").Produces<KillSwitchListResponse>();
        group.MapDelete("/{killSwitchId}", DeleteAsync).WithName("DeleteKillSwitch").Produces<DeleteKillSwitchResponse>();
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RequestBody body, KillSwitchStore store, KillSwitchCache cache, AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<CreateKillSwitchRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? null : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        if (request.TargetType is null || !KillSwitchTargets.All.Contains(request.TargetType))
            throw ApiException.BadRequest("target_type must be integration, agent or api_key.", "target_type");
        var targetId = request.TargetType switch
        {
            KillSwitchTargets.Integration => InputRules.Id(request.TargetId, PrefixedId.Integration, "Integration"),
            KillSwitchTargets.Agent => InputRules.Id(request.TargetId, PrefixedId.Agent, "Agent"),
            _ => InputRules.Id(request.TargetId, PrefixedId.ApiKey, "API key"),
        };
        var reason = request.Reason ?? "";
        if (reason.Length > 500 || reason.Any(char.IsControl)) throw ApiException.BadRequest("reason is at most 500 characters, without control characters.", "reason");
        var now = time.GetUtcNow();
        var record = new KillSwitchRecord(PrefixedId.New(IdPrefix, now), tenantId, request.TargetType, targetId, reason, caller.ApiKeyId, Timestamps.Format(now));
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.KillSwitchCreate, new AuditDetails(Detail: $"kill_switch={record.Id};{record.TargetType}={targetId}"));
        if (!await store.InsertAsync(record, http.RequestAborted))
            throw new ApiException(409, ProblemCodes.Conflict, $"This {record.TargetType.Replace('_', ' ')} already has a kill switch.", "target_id");
        cache.Invalidate(tenantId);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.KillSwitchCreate, "created",
            new AuditDetails(IntegrationId: record.TargetType == KillSwitchTargets.Integration ? targetId : "", Detail: $"kill_switch={record.Id};{record.TargetType}={targetId}"));
        return Results.Json(View(record, eventId), GatewayJson.Options, statusCode: 201);
    }

    private static async Task<IResult> ListAsync(HttpContext http, KillSwitchStore store, AuditRecorder audit)
    {
        var tenantId = CallerContext.Get(http).ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        var records = await store.ListAsync(tenantId, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.KillSwitchRead, "ok");
        return Results.Json(new KillSwitchListResponse(records.Select(r => View(r, eventId)).ToList(), eventId), GatewayJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string killSwitchId, HttpContext http, KillSwitchStore store, KillSwitchCache cache, AuditRecorder audit)
    {
        var tenantId = CallerContext.Get(http).ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        killSwitchId = InputRules.Id(killSwitchId, IdPrefix, "Kill switch");
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.KillSwitchDelete, new AuditDetails(Detail: $"kill_switch={killSwitchId}"));
        var deleted = await store.DeleteAsync(tenantId, killSwitchId, http.RequestAborted) ?? throw ApiException.NotFound("Kill switch");
        cache.Invalidate(tenantId);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.KillSwitchDelete, "deleted",
            new AuditDetails(Detail: $"kill_switch={killSwitchId};{deleted.TargetType}={deleted.TargetId}"));
        return Results.Json(new DeleteKillSwitchResponse(killSwitchId, true, eventId), GatewayJson.Options);
    }

    private static KillSwitchView View(KillSwitchRecord r, string eventId) => new(r.Id, r.TenantId, r.TargetType, r.TargetId, r.Reason, r.CreatedBy, r.CreatedAt, eventId);
}
