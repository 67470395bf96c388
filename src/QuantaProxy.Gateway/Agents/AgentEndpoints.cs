using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Vault;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Agents;

public static class AgentEndpoints
{
    public sealed record CreateAgentRequest(string TrustedIssuerId, string ClientId, string Name, IReadOnlyList<string> Integrations, IReadOnlyList<string> Operations, string? TenantId = null);
    public sealed record AgentView(string AgentId, string TenantId, string TrustedIssuerId, string ClientId, string Name, IReadOnlyList<string> Integrations,
        IReadOnlyList<string> Operations, string CreatedAt, string AuditEventId);
    public sealed record AgentListResponse(IReadOnlyList<AgentView> Agents, string AuditEventId);
    public sealed record DeleteAgentResponse(string AgentId, bool Deleted, string AuditEventId);

    public static void MapAgentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/agents").WithTags("Agents").RequireScope(ApiScopes.Admin);
        group.MapPost("", CreateAsync).WithName("CreateAgent").Accepts<CreateAgentRequest>("application/json").Produces<AgentView>(201);
        group.MapGet("", ListAsync).WithName("ListAgents").Produces<AgentListResponse>();
        group.MapDelete("/{agentId}", DeleteAsync).WithName("DeleteAgent").Produces<DeleteAgentResponse>();
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RequestBody body, AgentStore store, TrustedIssuerStore issuers, IntegrationStore integrations,
        AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<CreateAgentRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? null : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        var issuerId = PrefixedId.IsValid(request.TrustedIssuerId, PrefixedId.TrustedIssuer) ? request.TrustedIssuerId : null;
        if (issuerId is null || await issuers.FindAsync(tenantId, issuerId, http.RequestAborted) is null)
            throw new ApiException(404, ProblemCodes.NotFound, "Trusted issuer not found.", "trusted_issuer_id");
        var clientId = AgentInput.Identifier(request.ClientId, "client_id");
        var name = InputRules.Name(request.Name, "name");
        if (request.Integrations is null || request.Integrations.Count is 0 or > AgentInput.MaxListLength)
            throw ApiException.BadRequest($"integrations must name 1 to {AgentInput.MaxListLength} integrations.", "integrations");
        for (var i = 0; i < request.Integrations.Count; i++)
            if (!PrefixedId.IsValid(request.Integrations[i], PrefixedId.Integration) || await integrations.FindAsync(tenantId, request.Integrations[i], http.RequestAborted) is null)
                throw new ApiException(404, ProblemCodes.IntegrationNotFound, "Integration not found.", $"integrations[{i}]");
        var operations = AgentInput.Operations(request.Operations, "operations");
        var record = new AgentRecord(PrefixedId.New(PrefixedId.Agent, time.GetUtcNow()), tenantId, issuerId, clientId, name,
            request.Integrations.Distinct(StringComparer.Ordinal).ToList(), operations, Timestamps.Format(time.GetUtcNow()));
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.AgentCreate, new AuditDetails(Detail: $"agent={record.Id}"));
        if (!await store.InsertAsync(record, http.RequestAborted))
            throw new ApiException(409, ProblemCodes.Conflict, "This agent (issuer and client id) is already registered.", "client_id");
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.AgentCreate, "created",
            new AuditDetails(Detail: $"agent={record.Id};trusted_issuer={issuerId};client_id={clientId};integrations={string.Join(' ', record.Integrations)};operations={string.Join(' ', operations)}"));
        return Results.Json(View(record, eventId), GatewayJson.Options, statusCode: 201);
    }

    private static async Task<IResult> ListAsync(HttpContext http, AgentStore store, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        var records = await store.ListAsync(tenantId, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.AgentRead, "ok");
        return Results.Json(new AgentListResponse(records.Select(r => View(r, eventId)).ToList(), eventId), GatewayJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string agentId, HttpContext http, AgentStore store, AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        agentId = InputRules.Id(agentId, PrefixedId.Agent, "Agent");
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.AgentDelete, new AuditDetails(Detail: $"agent={agentId}"));
        if (!await store.DeleteAsync(tenantId, agentId, Timestamps.Format(time.GetUtcNow()), http.RequestAborted)) throw ApiException.NotFound("Agent");
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.AgentDelete, "deleted", new AuditDetails(Detail: $"agent={agentId}"));
        return Results.Json(new DeleteAgentResponse(agentId, true, eventId), GatewayJson.Options);
    }

    private static AgentView View(AgentRecord r, string eventId) => new(r.Id, r.TenantId, r.TrustedIssuerId, r.ClientId, r.Name, r.Integrations, r.Operations, r.CreatedAt, eventId);
}
