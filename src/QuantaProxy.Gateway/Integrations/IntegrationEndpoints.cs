using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Okta.Authentication;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.Vault;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Integrations;

public static class IntegrationEndpoints
{
    private const int MaxScopes = 32;

    /// <param name="Scopes">Omitted: derived from the allowed operations (the union of their scopes).</param>
    /// <param name="Profile">A named allow-list (<see cref="IntegrationProfiles"/>) instead of <paramref name="AllowedOperations"/>.</param>
    public sealed record CreateIntegrationRequest(string SystemType, string Name, string OktaDomain, string CredentialId,
        IReadOnlyList<string>? Scopes = null, IReadOnlyList<string>? AllowedOperations = null, string? TenantId = null, string? Profile = null);
    public sealed record UpdateIntegrationRequest(string? Name = null, string? OktaDomain = null, string? CredentialId = null,
        IReadOnlyList<string>? Scopes = null, IReadOnlyList<string>? AllowedOperations = null, string? TenantId = null);
    public sealed record IntegrationView(string IntegrationId, string TenantId, string SystemType, string Name, string OktaDomain, string CredentialId,
        IReadOnlyList<string> Scopes, IReadOnlyList<string> AllowedOperations, string CreatedAt, string UpdatedAt, string AuditEventId);
    public sealed record IntegrationListResponse(IReadOnlyList<IntegrationView> Integrations, string AuditEventId);
    public sealed record DeleteIntegrationResponse(string IntegrationId, bool Deleted, string AuditEventId);

    public static void MapIntegrationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/integrations").WithTags("Integrations");
        group.MapPost("", CreateAsync).RequireScope(ApiScopes.IntegrationsWrite).WithName("CreateIntegration").Accepts<CreateIntegrationRequest>("application/json").Produces<IntegrationView>(201);
        group.MapGet("", ListAsync).WithName("ListIntegrations").Produces<IntegrationListResponse>();
        group.MapGet("/{integrationId}", GetAsync).WithName("GetIntegration").Produces<IntegrationView>();
        group.MapPatch("/{integrationId}", UpdateAsync).RequireScope(ApiScopes.IntegrationsWrite).WithName("UpdateIntegration").Accepts<UpdateIntegrationRequest>("application/json").Produces<IntegrationView>();
        group.MapDelete("/{integrationId}", DeleteAsync).RequireScope(ApiScopes.IntegrationsWrite).WithName("DeleteIntegration").Produces<DeleteIntegrationResponse>();
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RequestBody body, IntegrationStore store, CredentialStore credentials,
        OktaDomainPolicy domains, AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<CreateIntegrationRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? null : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        if (request.SystemType != "okta") throw ApiException.BadRequest("system_type must be 'okta'.", "system_type");
        var name = InputRules.Name(request.Name, "name");
        var domain = CheckDomain(domains, request.OktaDomain);
        var credentialId = await CheckCredentialAsync(credentials, tenantId, request.CredentialId, http.RequestAborted);
        List<string> operations;
        if (request.Profile is not null)
        {
            if (request.AllowedOperations is not null)
                throw ApiException.BadRequest("Give either profile or allowed_operations, not both.", "allowed_operations");
            operations = IntegrationProfiles.Operations(request.Profile);
        }
        else
        {
            operations = CheckOperations(request.AllowedOperations);
        }
        var scopes = request.Scopes is null ? IntegrationScopes.Derive(operations) : CheckScopes(request.Scopes);
        IntegrationScopes.RequireCoverage(scopes, operations);
        var now = Timestamps.Format(time.GetUtcNow());
        var record = new IntegrationRecord(PrefixedId.New(PrefixedId.Integration, time.GetUtcNow()), tenantId, name, "okta", domain, credentialId, scopes, operations, now, now);
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.IntegrationCreate, new AuditDetails(IntegrationId: record.Id));
        await store.InsertAsync(record, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.IntegrationCreate, "created",
            new AuditDetails(IntegrationId: record.Id, Detail: $"operations={string.Join(' ', operations)};credential_id={credentialId}"));
        return Results.Json(View(record, eventId), GatewayJson.Options, statusCode: 201);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IntegrationStore store, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        var records = await store.ListAsync(tenantId, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.IntegrationRead, "ok");
        return Results.Json(new IntegrationListResponse(records.Select(r => View(r, eventId)).ToList(), eventId), GatewayJson.Options);
    }

    private static async Task<IResult> GetAsync(string integrationId, HttpContext http, IntegrationStore store, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        integrationId = InputRules.Id(integrationId, PrefixedId.Integration, "Integration");
        var record = await store.FindAsync(tenantId, integrationId, http.RequestAborted) ?? throw ApiException.NotFound("Integration");
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.IntegrationRead, "ok", new AuditDetails(IntegrationId: integrationId));
        return Results.Json(View(record, eventId), GatewayJson.Options);
    }

    private static async Task<IResult> UpdateAsync(string integrationId, HttpContext http, RequestBody body, IntegrationStore store, CredentialStore credentials,
        OktaDomainPolicy domains, AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<UpdateIntegrationRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? VaultEndpoints.TenantFromQuery(http) : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        integrationId = InputRules.Id(integrationId, PrefixedId.Integration, "Integration");
        var current = await store.FindAsync(tenantId, integrationId, http.RequestAborted) ?? throw ApiException.NotFound("Integration");
        var operations = request.AllowedOperations is null ? current.AllowedOperations.ToList() : CheckOperations(request.AllowedOperations);
        // Scopes that were derived follow the operations; scopes that were chosen stay and must still cover them.
        var derived = current.Scopes.Order(StringComparer.Ordinal).SequenceEqual(IntegrationScopes.Derive(current.AllowedOperations), StringComparer.Ordinal);
        var scopes = request.Scopes is not null ? CheckScopes(request.Scopes)
            : derived ? IntegrationScopes.Derive(operations) : current.Scopes.ToList();
        IntegrationScopes.RequireCoverage(scopes, operations);
        var updated = current with
        {
            Name = request.Name is null ? current.Name : InputRules.Name(request.Name, "name"),
            OktaDomain = request.OktaDomain is null ? current.OktaDomain : CheckDomain(domains, request.OktaDomain),
            CredentialId = request.CredentialId is null ? current.CredentialId : await CheckCredentialAsync(credentials, tenantId, request.CredentialId, http.RequestAborted),
            Scopes = scopes,
            AllowedOperations = operations,
            UpdatedAt = Timestamps.Format(time.GetUtcNow()),
        };
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.IntegrationUpdate, new AuditDetails(IntegrationId: integrationId));
        if (!await store.UpdateAsync(updated, http.RequestAborted)) throw ApiException.NotFound("Integration");
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.IntegrationUpdate, "updated",
            new AuditDetails(IntegrationId: integrationId, Detail: $"operations={string.Join(' ', updated.AllowedOperations)};credential_id={updated.CredentialId}"));
        return Results.Json(View(updated, eventId), GatewayJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string integrationId, HttpContext http, IntegrationStore store, AuditRecorder audit, OktaTokenProvider tokens, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        integrationId = InputRules.Id(integrationId, PrefixedId.Integration, "Integration");
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.IntegrationDelete, new AuditDetails(IntegrationId: integrationId));
        if (!await store.DeleteAsync(tenantId, integrationId, Timestamps.Format(time.GetUtcNow()), http.RequestAborted)) throw ApiException.NotFound("Integration");
        tokens.Forget(integrationId);
        Telemetry.GatewayTelemetry.ForgetIntegration(integrationId);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.IntegrationDelete, "deleted", new AuditDetails(IntegrationId: integrationId));
        return Results.Json(new DeleteIntegrationResponse(integrationId, true, eventId), GatewayJson.Options);
    }

    private static string CheckDomain(OktaDomainPolicy domains, string? domain)
    {
        if (string.IsNullOrEmpty(domain) || domain.Length > 255) throw new ApiException(400, ProblemCodes.InvalidOktaDomain, "okta_domain must be an https URL of an Okta org.", "okta_domain");
        if (!domains.TryValidate(domain, out var normalized, out var reason))
            throw new ApiException(400, ProblemCodes.InvalidOktaDomain, reason, "okta_domain");
        return normalized;
    }

    private static async Task<string> CheckCredentialAsync(CredentialStore credentials, string tenantId, string? credentialId, CancellationToken ct)
    {
        if (!PrefixedId.IsValid(credentialId, PrefixedId.Vault)) throw new ApiException(404, ProblemCodes.CredentialNotFound, "Credential not found.", "credential_id");
        var record = await credentials.FindAsync(tenantId, credentialId!, ct);
        if (record is null || record.Status != CredentialStatus.Active) throw new ApiException(404, ProblemCodes.CredentialNotFound, "Credential not found.", "credential_id");
        return credentialId!;
    }

    private static List<string> CheckScopes(IReadOnlyList<string>? scopes)
    {
        if (scopes is null) throw ApiException.BadRequest("scopes is required.", "scopes");
        if (scopes.Count > MaxScopes) throw ApiException.BadRequest($"At most {MaxScopes} scopes.", "scopes");
        for (var i = 0; i < scopes.Count; i++)
        {
            var s = scopes[i];
            if (string.IsNullOrEmpty(s) || s.Length > 100 || !s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
                throw ApiException.BadRequest("A scope is an Okta scope name such as okta.users.read.", $"scopes[{i}]");
        }
        return scopes.Distinct(StringComparer.Ordinal).ToList();
    }

    private static List<string> CheckOperations(IReadOnlyList<string>? operations)
    {
        if (operations is null) throw ApiException.BadRequest("allowed_operations is required.", "allowed_operations");
        if (operations.Count > 100) throw ApiException.BadRequest("Too many operations.", "allowed_operations");
        for (var i = 0; i < operations.Count; i++)
            if (!OktaOperationCatalog.Default.TryGet(operations[i], out _))
                throw new ApiException(400, ProblemCodes.UnknownOperation, "Unknown operation; see the operation catalog.", $"allowed_operations[{i}]");
        return operations.Distinct(StringComparer.Ordinal).ToList();
    }

    private static IntegrationView View(IntegrationRecord r, string eventId) => new(r.Id, r.TenantId, r.SystemType, r.Name, r.OktaDomain, r.CredentialId,
        r.Scopes, r.AllowedOperations, r.CreatedAt, r.UpdatedAt, eventId);
}
