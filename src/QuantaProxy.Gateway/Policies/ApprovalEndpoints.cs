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

    public sealed record ApprovalView(string ApprovalId, string TenantId, string State, int ApprovalsRequired, IReadOnlyList<string> Approvers,
        IReadOnlyList<string> PolicyIds, string IntegrationId, string Operation, string RequestedBy, string CreatedAt, string ExpiresAt, string? RequestId,
        string? Outcome, JsonElement? Envelope);

    public static void MapApprovalEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/approvals").WithTags("Policies");
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

    private static async Task<IResult> GetAsync(string approvalId, HttpContext http, ApprovalStore store, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        approvalId = InputRules.Id(approvalId, IdPrefix, "Approval");
        var record = await store.FindAsync(tenantId, approvalId, http.RequestAborted);
        var mayRead = caller.Scopes.Contains(ApiScopes.Admin) || caller.Scopes.Contains(ApiScopes.ApprovalsDecide) || record?.RequestedBy == caller.ApiKeyId;
        if (record is null || !mayRead) throw ApiException.NotFound("Approval");
        await audit.RecordAsync(http, tenantId, AuditEventTypes.ApprovalRead, "ok", new AuditDetails(Detail: $"approval={approvalId}"));
        return Results.Json(View(record), GatewayJson.Options);
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
            r.RequestId, r.Outcome, envelope);
    }
}
