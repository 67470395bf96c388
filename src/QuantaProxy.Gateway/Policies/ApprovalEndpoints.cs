using System.Text.Json;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Http;
using QuantaProxy.Gateway.Vault;

namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// Calls held by an <c>@approval("N")</c> policy: answered 202 with their approval; approvers (scope
/// <c>approvals:decide</c>, never the caller nor the person acted for) approve or reject; the caller reads the state and,
/// once run, the envelope.
/// </summary>
public static class ApprovalEndpoints
{
    public const string IdPrefix = "apr_";

    public const int MaxPageSize = 100;

    /// <summary>
    /// One approval. <see cref="Arguments"/> (the held call's arguments in clear, as its policies saw them) is present only in
    /// the answer to a GET of this one approval; <see cref="Reasons"/> are aligned with <see cref="PolicyIds"/> (empty for
    /// approvals held before they were kept).
    /// </summary>
    public sealed record ApprovalView(string ApprovalId, string TenantId, string State, int ApprovalsRequired, IReadOnlyList<string> Approvers,
        IReadOnlyList<string> PolicyIds, string IntegrationId, string Operation, string RequestedBy, string CreatedAt, string ExpiresAt, string? RequestId,
        string? Outcome, JsonElement? Envelope, IReadOnlyList<string>? Reasons = null, string? OnBehalfOf = null, string? Agent = null, string? AgentId = null,
        string? DecidedAt = null, IReadOnlyDictionary<string, object>? Arguments = null);

    /// <summary>An approval in a list: what it is and where it stands, never its arguments nor its envelope.</summary>
    public sealed record ApprovalSummary(string ApprovalId, string State, int ApprovalsRequired, IReadOnlyList<string> Approvers, IReadOnlyList<string> PolicyIds,
        IReadOnlyList<string> Reasons, string IntegrationId, string Operation, string RequestedBy, string? OnBehalfOf, string? Agent, string? AgentId,
        string CreatedAt, string ExpiresAt, string? DecidedAt, string? Outcome);

    /// <summary>A page of approvals, newest first; <see cref="NextAfter"/> is the <c>after</c> of the next (older) page.</summary>
    public sealed record ApprovalListResponse(IReadOnlyList<ApprovalSummary> Approvals, string? NextAfter, string AuditEventId);

    public static void MapApprovalEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/approvals").WithTags("Policies");
        group.MapGet("", ListAsync).RequireScope(ApiScopes.ApprovalsDecide).WithName("ListApprovals").Produces<ApprovalListResponse>();
        // Readable by the approvers and by the caller who made the request (checked in the handler).
        group.MapGet("/{approvalId}", GetAsync).WithName("GetApproval").Produces<ApprovalView>();
        group.MapPost("/{approvalId}/approve", (string approvalId, HttpContext http, ApprovalService service) => DecideAsync(approvalId, http, service, true))
            .RequireScope(ApiScopes.ApprovalsDecide).WithName("ApproveCall").Produces<ApprovalView>();
        group.MapPost("/{approvalId}/reject", (string approvalId, HttpContext http, ApprovalService service) => DecideAsync(approvalId, http, service, false))
            .RequireScope(ApiScopes.ApprovalsDecide).WithName("RejectCall").Produces<ApprovalView>();
    }

    /// <summary>The answer to a call a policy held: 202 with the approval and where to follow it.</summary>
    public static IResult Accepted(HttpContext http, ApprovalRecord held)
    {
        http.Response.Headers.Location = $"/api/v2/approvals/{held.Id}";
        return Results.Json(View(held), GatewayJson.Options, statusCode: 202);
    }

    /// <summary>
    /// The tenant's approvals, newest first, optionally in one state; <c>after</c> is the <c>next_after</c> of the page before
    /// (an approval id: the page holds those held before it), so a page stays stable while new calls are held.
    /// </summary>
    private static async Task<IResult> ListAsync(HttpContext http, ApprovalStore store, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        var query = http.Request.Query;
        string? state = null;
        if (query["state"].Count > 0)
        {
            state = query["state"].Count == 1 ? query["state"][0] : null;
            if (state is null || !ApprovalStates.All.Contains(state))
                throw ApiException.BadRequest($"state must be one of {string.Join(", ", ApprovalStates.All)}.", "state");
        }
        string? after = null;
        if (query["after"].Count > 0)
        {
            after = query["after"].Count == 1 ? query["after"][0] : null;
            if (!Crypto.Formats.PrefixedId.IsValid(after, IdPrefix)) throw ApiException.BadRequest("after must be the next_after of a previous page.", "after");
        }
        var limit = (int)InputRules.QueryLong(http, "limit", 50, 1, MaxPageSize);
        var page = await store.ListAsync(tenantId, state, after, limit, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.ApprovalRead, "ok", new AuditDetails(Detail: $"list;state={state ?? "any"};count={page.Count}"));
        var next = page.Count == limit ? page[^1].Id : null;
        return Results.Json(new ApprovalListResponse(page.Select(Summary).ToList(), next, eventId), GatewayJson.Options);
    }

    private static async Task<IResult> GetAsync(string approvalId, HttpContext http, ApprovalStore store, ApprovalService service, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        approvalId = InputRules.Id(approvalId, IdPrefix, "Approval");
        var record = await store.FindAsync(tenantId, approvalId, http.RequestAborted);
        var mayRead = caller.Scopes.Contains(ApiScopes.Admin) || caller.Scopes.Contains(ApiScopes.ApprovalsDecide) || record?.RequestedBy == caller.ApiKeyId;
        if (record is null || !mayRead) throw ApiException.NotFound("Approval");
        // The audit names the approval only: the arguments are in this answer and nowhere else.
        await audit.RecordAsync(http, tenantId, AuditEventTypes.ApprovalRead, "ok", new AuditDetails(Detail: $"approval={approvalId}"));
        var arguments = await service.ArgumentsAsync(record, http.RequestAborted);
        return Results.Json(View(record) with { Arguments = arguments }, GatewayJson.Options);
    }

    private static async Task<IResult> DecideAsync(string approvalId, HttpContext http, ApprovalService service, bool approve)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        approvalId = InputRules.Id(approvalId, IdPrefix, "Approval");
        var record = await service.DecideAsync(http, tenantId, approvalId, approve);
        return Results.Json(View(record), GatewayJson.Options);
    }

    private static ApprovalView View(ApprovalRecord r)
    {
        JsonElement? envelope = null;
        if (r.Envelope is { } bytes)
        {
            using var document = JsonDocument.Parse(bytes);
            envelope = document.RootElement.Clone();
        }
        return new ApprovalView(r.Id, r.TenantId, r.State, r.Required, r.Approvers, r.PolicyIds, r.IntegrationId, r.Operation, r.RequestedBy, r.CreatedAt, r.ExpiresAt,
            r.RequestId, r.Outcome, envelope, r.Reasons ?? [], NullIfEmpty(r.OnBehalfOf), ApprovalService.AgentOf(r), r.AgentId, r.DecidedAt);
    }

    private static ApprovalSummary Summary(ApprovalRecord r) =>
        new(r.Id, r.State, r.Required, r.Approvers, r.PolicyIds, r.Reasons ?? [], r.IntegrationId, r.Operation, r.RequestedBy, NullIfEmpty(r.OnBehalfOf),
            ApprovalService.AgentOf(r), r.AgentId, r.CreatedAt, r.ExpiresAt, r.DecidedAt, r.Outcome);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
