using System.Text.Json;
using Microsoft.Extensions.Options;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Http;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Vault;

namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// A tenant's Cedar policy set: upload (a new version each time, parsed and schema-checked first), the active version,
/// the list of versions, and a dry run of a hypothetical call that calls nothing in Okta for the operation.
/// </summary>
public static class PolicyEndpoints
{
    public sealed record UploadPolicyRequest(string? Policies = null, string? TenantId = null);
    public sealed record PolicySetView(string TenantId, long Version, string Sha256, long PolicyCount, IReadOnlyList<string>? PolicyIds, string? Policies,
        string CreatedBy, string CreatedAt, string AuditEventId);
    public sealed record PolicyVersionListResponse(IReadOnlyList<PolicySetView> Versions, string AuditEventId);
    public sealed record HypotheticalHuman(string? Id = null, string? Login = null, string? Status = null, IReadOnlyList<string>? Groups = null);
    public sealed record HypotheticalAgent(string? Issuer = null, string? ClientId = null);
    public sealed record HypotheticalTarget(string? Status = null, IReadOnlyList<string>? Groups = null);
    public sealed record HypotheticalTargetGroup(string? Id = null, string? Name = null, string? Type = null);
    public sealed record EvaluateRequest(string? IntegrationId = null, string? Operation = null, JsonElement? Payload = null, string? TenantId = null, string? ApiKeyId = null,
        HypotheticalAgent? Agent = null, HypotheticalHuman? Human = null, HypotheticalTarget? Target = null, long? CallsToday = null, DateTimeOffset? At = null,
        HypotheticalTargetGroup? TargetGroup = null);
    public sealed record EvaluateResponse(string Decision, bool PolicySetActive, long? Version, string? Sha256, IReadOnlyList<string> DeterminingPolicies,
        IReadOnlyList<string> Reasons, IReadOnlyList<string> Errors, int ApprovalsRequired, string Principal, string Action, IReadOnlyList<string> ActionGroups, string Resource,
        IReadOnlyDictionary<string, object> Context, string AuditEventId);

    public static void MapPolicyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/policies").WithTags("Policies").RequireScope(ApiScopes.Admin);
        group.MapPut("", UploadAsync).WithName("UploadPolicies").Accepts<UploadPolicyRequest>("application/json").Produces<PolicySetView>();
        group.MapGet("", GetActiveAsync).WithName("GetPolicies").Produces<PolicySetView>();
        group.MapGet("/versions", ListAsync).WithName("ListPolicyVersions").Produces<PolicyVersionListResponse>();
        app.MapPost("/api/v2/policy/evaluate", EvaluateAsync).WithTags("Policies").RequireScope(ApiScopes.Admin).WithName("EvaluatePolicies")
            .Accepts<EvaluateRequest>("application/json").Produces<EvaluateResponse>();
    }

    private static async Task<IResult> UploadAsync(HttpContext http, RequestBody body, PolicyStore store, PolicyCache cache, IOptions<PolicyOptions> options,
        AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<UploadPolicyRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? null : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        if (request.Policies is null) throw ApiException.BadRequest("policies (the Cedar policy text) is required; an empty text turns policies off.", "policies");
        var compiled = ActivePolicySet.Compile(request.Policies, 0, options.Value);
        var count = compiled.Set.Policies.Count;
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.PolicyUpload, new AuditDetails(Detail: $"sha256={compiled.Sha256};policies={count}"));
        var createdAt = Timestamps.Format(time.GetUtcNow());
        var version = await store.InsertNextAsync(tenantId, request.Policies, compiled.Sha256, count, caller.ApiKeyId, createdAt, http.RequestAborted)
            ?? throw new ApiException(409, ProblemCodes.Conflict, "Another policy upload for this tenant happened at the same moment; upload again.", "policies");
        cache.Invalidate(tenantId);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.PolicyUpload, "uploaded",
            new AuditDetails(Detail: $"version={version};sha256={compiled.Sha256};policies={count}"));
        return Results.Json(new PolicySetView(tenantId, version, compiled.Sha256, count, compiled.Set.Policies.Select(p => p.Id).ToList(), null, caller.ApiKeyId, createdAt, eventId),
            GatewayJson.Options);
    }

    /// <summary>The active version, or with <c>?version=N</c> that version.</summary>
    private static async Task<IResult> GetActiveAsync(HttpContext http, PolicyStore store, AuditRecorder audit)
    {
        var tenantId = Tenant(http);
        long version;
        if (http.Request.Query.TryGetValue("version", out var requested))
        {
            if (requested.Count != 1 || !long.TryParse(requested[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out version))
                throw ApiException.BadRequest("version must be a whole number.", "version");
        }
        else
        {
            version = await store.ActiveVersionAsync(tenantId, http.RequestAborted);
        }
        return await ViewAsync(http, store, audit, tenantId, version);
    }

    private static async Task<IResult> ViewAsync(HttpContext http, PolicyStore store, AuditRecorder audit, string tenantId, long version)
    {
        var record = version > 0 ? await store.FindAsync(tenantId, version, http.RequestAborted) : null;
        if (record is null) throw ApiException.NotFound("Policy set");
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.PolicyRead, "ok", new AuditDetails(Detail: $"version={record.Version}"));
        IReadOnlyList<string> ids;
        try
        {
            ids = QuantaProxy.Policy.PolicySet.Parse(record.Text).Policies.Select(p => p.Id).ToList();
        }
        catch (QuantaProxy.Policy.Parsing.PolicyParseException)
        {
            ids = [];
        }
        return Results.Json(new PolicySetView(record.TenantId, record.Version, record.Sha256, record.PolicyCount, ids, record.Text, record.CreatedBy, record.CreatedAt, eventId),
            GatewayJson.Options);
    }

    private static async Task<IResult> ListAsync(HttpContext http, PolicyStore store, AuditRecorder audit)
    {
        var tenantId = Tenant(http);
        var records = await store.ListAsync(tenantId, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.PolicyRead, "ok", new AuditDetails(Detail: "versions"));
        return Results.Json(new PolicyVersionListResponse(
            records.Select(r => new PolicySetView(r.TenantId, r.Version, r.Sha256, r.PolicyCount, null, null, r.CreatedBy, r.CreatedAt, eventId)).ToList(), eventId), GatewayJson.Options);
    }

    /// <summary>
    /// The decision the tenant's active policies would make on a hypothetical call, with the facts used. The caller,
    /// person and target are as given (nothing is looked up in Okta); the payload is bound exactly as the proxy binds it.
    /// </summary>
    private static async Task<IResult> EvaluateAsync(HttpContext http, RequestBody body, PolicyCache cache, IntegrationStore integrations,
        AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<EvaluateRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? null : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        var integrationId = InputRules.Id(request.IntegrationId, PrefixedId.Integration, "Integration");
        var integration = await integrations.FindAsync(tenantId, integrationId, http.RequestAborted) ?? throw ApiException.NotFound("Integration");
        if (request.Operation is null || !OktaOperationCatalog.Default.TryGet(request.Operation, out var operation))
            throw ApiException.BadRequest("operation must name an operation of the catalog.", "operation");
        ValidatedOktaRequest bound;
        try
        {
            bound = operation.Validate(request.Payload ?? default);
        }
        catch (PayloadValidationException e)
        {
            throw ApiException.BadRequest(e.Message, e.Field);
        }
        PolicyPrincipal principal;
        if (request.Agent is { } agent)
        {
            if (string.IsNullOrEmpty(agent.Issuer) || string.IsNullOrEmpty(agent.ClientId)) throw ApiException.BadRequest("agent needs issuer and client_id.", "agent");
            principal = PolicyPrincipal.Agent(Fact(agent.Issuer, "agent.issuer"), Fact(agent.ClientId, "agent.client_id"), tenantId);
        }
        else
        {
            principal = PolicyPrincipal.ApiKey(request.ApiKeyId ?? caller.ApiKeyId, tenantId);
        }
        var human = request.Human is { } h
            ? new PolicyHuman(Fact(h.Id ?? throw ApiException.BadRequest("human.id is required.", "human.id"), "human.id"), Fact(h.Login ?? "", "human.login"),
                Fact(h.Status ?? "ACTIVE", "human.status"), Facts(h.Groups, "human.groups"))
            : null;
        var target = request.Target is { } t ? new PolicyTarget(Fact(t.Status ?? "ACTIVE", "target.status"), Facts(t.Groups, "target.groups")) : null;
        var group = request.TargetGroup is { } g
            ? new PolicyTargetGroup(Fact(g.Id ?? throw ApiException.BadRequest("target_group.id is required.", "target_group.id"), "target_group.id"),
                Fact(g.Name ?? "", "target_group.name"), Fact(g.Type ?? "OKTA_GROUP", "target_group.type"))
            : null;
        if (request.CallsToday is < 0) throw ApiException.BadRequest("calls_today cannot be negative.", "calls_today");
        var facts = new PolicyFacts(principal, operation, integration, human, bound.Arguments, target, request.At ?? time.GetUtcNow(), request.CallsToday ?? 0, group);

        var set = await cache.GetAsync(tenantId, http.RequestAborted);
        var groups = GatewayPolicySchema.GroupsOf(operation);
        string decision;
        PolicyOutcome? outcome = null;
        if (set is null)
        {
            decision = "allow";
        }
        else
        {
            outcome = PolicyEvaluator.Evaluate(set, facts);
            decision = outcome.Allowed ? "allow" : outcome.Failed ? "error" : outcome.NeedsApproval ? "approval_required" : "deny";
        }
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.PolicyEvaluate, decision, new AuditDetails(IntegrationId: integration.Id, Operation: operation.Name,
            Detail: set is null ? "policy=none" : outcome!.AuditDetail(set)));
        return Results.Json(new EvaluateResponse(decision, set is not null, set?.Version, set?.Sha256, outcome?.DeterminingPolicies ?? [], outcome?.Reasons ?? [], outcome?.Errors ?? [], outcome?.ApprovalsRequired ?? 0,
            $"{principal.Type}::\"{principal.Id}\"", $"QuantaProxy::Action::\"{operation.Name}\"", groups, $"QuantaProxy::Integration::\"{integration.Id}\"", facts.Context(), eventId),
            GatewayJson.Options);
    }

    private static string Tenant(HttpContext http)
    {
        var tenantId = CallerContext.Get(http).ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        return tenantId;
    }

    // Okta's own limits are far below these (a login or group name is at most a few hundred characters); a hypothetical fact
    // beyond them is a mistake or an attack on the evaluator, refused naming the field.
    private const int MaxFactLength = 1024;
    private const int MaxFactCount = 1000;

    private static string Fact(string value, string field) =>
        value.Length <= MaxFactLength ? value : throw ApiException.BadRequest($"{field} is longer than {MaxFactLength} characters.", field);

    private static IReadOnlyList<string> Facts(IReadOnlyList<string>? values, string field)
    {
        if (values is null) return [];
        if (values.Count > MaxFactCount) throw ApiException.BadRequest($"{field} has more than {MaxFactCount} entries.", field);
        foreach (var value in values) Fact(value ?? throw ApiException.BadRequest($"{field} holds a null.", field), field);
        return values;
    }
}
