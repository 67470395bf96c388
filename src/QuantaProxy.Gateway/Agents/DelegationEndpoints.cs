using System.Globalization;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.Vault;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Agents;

public static class DelegationEndpoints
{
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    public sealed record CreateDelegationRequest(string AgentId, string IntegrationId, IReadOnlyList<string> Operations, string ExpiresAt,
        string? Person = null, string? GroupId = null, long? CallsPerDay = null, string? TenantId = null);
    public sealed record DelegationView(string DelegationId, string TenantId, string AgentId, string IntegrationId, IReadOnlyList<string> Operations,
        string SubjectType, string SubjectId, string SubjectLogin, string ExpiresAt, long? CallsPerDay, string Status, string StatusReason,
        string CreatedAt, string UpdatedAt, string AuditEventId);
    public sealed record DelegationListResponse(IReadOnlyList<DelegationView> Delegations, string AuditEventId);

    public static void MapDelegationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/delegations").WithTags("Agents").RequireScope(ApiScopes.Admin);
        group.MapPost("", CreateAsync).WithName("CreateDelegation").Accepts<CreateDelegationRequest>("application/json").Produces<DelegationView>(201);
        group.MapGet("", ListAsync).WithName("ListDelegations").Produces<DelegationListResponse>();
        group.MapPost("/{delegationId}/revoke", RevokeAsync).WithName("RevokeDelegation").Produces<DelegationView>();
        group.MapPost("/{delegationId}/restore", RestoreAsync).WithName("RestoreDelegation").Produces<DelegationView>();
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RequestBody body, DelegationStore store, AgentStore agents, IntegrationStore integrations,
        OktaPersonDirectory people, AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<CreateDelegationRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? null : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        // Another tenant's agent or integration is simply not found, like one that does not exist.
        var agent = PrefixedId.IsValid(request.AgentId, PrefixedId.Agent) ? await agents.FindAsync(tenantId, request.AgentId, http.RequestAborted) : null;
        if (agent is null) throw new ApiException(404, ProblemCodes.NotFound, "Agent not found.", "agent_id");
        var integration = PrefixedId.IsValid(request.IntegrationId, PrefixedId.Integration) ? await integrations.FindAsync(tenantId, request.IntegrationId, http.RequestAborted) : null;
        if (integration is null) throw new ApiException(404, ProblemCodes.IntegrationNotFound, "Integration not found.", "integration_id");
        var operations = AgentInput.Operations(request.Operations, "operations");
        for (var i = 0; i < operations.Count; i++)
            if (!agent.Allows(integration.Id, operations[i]))
                throw new ApiException(400, AgentProblemCodes.AgentNotAllowed, "The agent's registration does not allow this operation on this integration.", $"operations[{i}]");
        var now = time.GetUtcNow();
        if (!DateTimeOffset.TryParse(request.ExpiresAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires) || expires <= now || expires > now + MaxLifetime)
            throw ApiException.BadRequest("expires_at must be an RFC 3339 time in the future, at most 366 days ahead.", "expires_at");
        if (request.CallsPerDay is < 1 or > 10_000_000) throw ApiException.BadRequest("calls_per_day must be between 1 and 10000000.", "calls_per_day");
        if ((request.Person is null) == (request.GroupId is null)) throw ApiException.BadRequest("Set exactly one of person and group_id.", "person");

        string subjectType, subjectId, subjectLogin;
        if (request.Person is not null)
        {
            var person = await FindPersonAsync(people, integration, AgentInput.Identifier(request.Person, "person"), http.RequestAborted);
            if (!person.IsActive) throw new ApiException(400, AgentProblemCodes.PersonInactive, $"The person is not active in Okta ({person.Status}).", "person");
            (subjectType, subjectId, subjectLogin) = (DelegationSubjects.User, person.UserId, person.Login);
        }
        else
        {
            (subjectType, subjectId, subjectLogin) = (DelegationSubjects.Group, AgentInput.Identifier(request.GroupId, "group_id"), "");
        }
        var stamp = Timestamps.Format(now);
        var record = new DelegationRecord(PrefixedId.New(PrefixedId.Delegation, now), tenantId, agent.Id, integration.Id, operations, subjectType, subjectId, subjectLogin,
            Timestamps.Format(expires), request.CallsPerDay, DelegationStatus.Active, "", stamp, stamp);
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.DelegationCreate, new AuditDetails(IntegrationId: integration.Id, Detail: $"delegation={record.Id}"));
        await store.InsertAsync(record, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.DelegationCreate, "created", new AuditDetails(IntegrationId: integration.Id,
            Detail: $"delegation={record.Id};agent={agent.Id};{subjectType}={subjectId};operations={string.Join(' ', operations)};expires_at={record.ExpiresAt}"));
        return Results.Json(View(record, eventId), GatewayJson.Options, statusCode: 201);
    }

    private static async Task<IResult> ListAsync(HttpContext http, DelegationStore store, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        var records = await store.ListAsync(tenantId, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.DelegationRead, "ok");
        return Results.Json(new DelegationListResponse(records.Select(r => View(r, eventId)).ToList(), eventId), GatewayJson.Options);
    }

    private static async Task<IResult> RevokeAsync(string delegationId, HttpContext http, DelegationStore store, AuditRecorder audit, TimeProvider time)
    {
        var (caller, tenantId, current) = await BeginAsync(delegationId, http, store);
        _ = caller;
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.DelegationRevoke, new AuditDetails(IntegrationId: current.IntegrationId, Detail: $"delegation={current.Id}"));
        var now = Timestamps.Format(time.GetUtcNow());
        await store.SetStatusAsync(tenantId, current.Id, DelegationStatus.Revoked, "revoked by the tenant", now, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.DelegationRevoke, "revoked", new AuditDetails(IntegrationId: current.IntegrationId, Detail: $"delegation={current.Id}"));
        return Results.Json(View(current with { Status = DelegationStatus.Revoked, StatusReason = "revoked by the tenant", UpdatedAt = now }, eventId), GatewayJson.Options);
    }

    /// <summary>Reactivation in Okta never restores by itself: this does, and only once Okta says the person is active.</summary>
    private static async Task<IResult> RestoreAsync(string delegationId, HttpContext http, DelegationStore store, IntegrationStore integrations, OktaPersonDirectory people,
        AuditRecorder audit, TimeProvider time)
    {
        var (_, tenantId, current) = await BeginAsync(delegationId, http, store);
        if (DateTimeOffset.Parse(current.ExpiresAt, CultureInfo.InvariantCulture) <= time.GetUtcNow())
            throw new ApiException(409, ProblemCodes.Conflict, "The delegation has expired; create a new one.");
        if (current.SubjectType == DelegationSubjects.User)
        {
            var integration = await integrations.FindAsync(tenantId, current.IntegrationId, http.RequestAborted) ?? throw new ApiException(404, ProblemCodes.IntegrationNotFound, "Integration not found.");
            people.Forget(current.SubjectId);
            var person = await FindPersonAsync(people, integration, current.SubjectId, http.RequestAborted);
            if (!person.IsActive)
                throw new ApiException(409, AgentProblemCodes.PersonInactive, $"Okta says the person is not active ({person.Status}); nothing was restored.", "human");
        }
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.DelegationRestore, new AuditDetails(IntegrationId: current.IntegrationId, Detail: $"delegation={current.Id}"));
        if (current.SubjectType == DelegationSubjects.User) await store.LiftBlocksAsync(tenantId, current.SubjectId, http.RequestAborted);
        var now = Timestamps.Format(time.GetUtcNow());
        await store.SetStatusAsync(tenantId, current.Id, DelegationStatus.Active, "", now, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.DelegationRestore, "restored", new AuditDetails(IntegrationId: current.IntegrationId,
            Detail: $"delegation={current.Id};{current.SubjectType}={current.SubjectId}"));
        return Results.Json(View(current with { Status = DelegationStatus.Active, StatusReason = "", UpdatedAt = now }, eventId), GatewayJson.Options);
    }

    private static async Task<(CallerContext Caller, string TenantId, DelegationRecord Current)> BeginAsync(string delegationId, HttpContext http, DelegationStore store)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        delegationId = InputRules.Id(delegationId, PrefixedId.Delegation, "Delegation");
        var current = await store.FindAsync(tenantId, delegationId, http.RequestAborted) ?? throw ApiException.NotFound("Delegation");
        return (caller, tenantId, current);
    }

    private static async Task<OktaPerson> FindPersonAsync(OktaPersonDirectory people, IntegrationRecord integration, string idOrLogin, CancellationToken ct)
    {
        OktaPerson? person;
        try
        {
            person = await people.FindAsync(integration, idOrLogin, withGroups: false, ct);
        }
        catch (OktaCallException)
        {
            throw new ApiException(503, AgentProblemCodes.PersonStatusUnavailable, "The person could not be looked up in Okta through this integration; try again.", "person");
        }
        return person ?? throw new ApiException(404, AgentProblemCodes.PersonUnknown, "Okta does not know this person.", "person");
    }

    private static DelegationView View(DelegationRecord r, string eventId) => new(r.Id, r.TenantId, r.AgentId, r.IntegrationId, r.Operations, r.SubjectType, r.SubjectId,
        r.SubjectLogin, r.ExpiresAt, r.CallsPerDay, r.Status, r.StatusReason, r.CreatedAt, r.UpdatedAt, eventId);
}
