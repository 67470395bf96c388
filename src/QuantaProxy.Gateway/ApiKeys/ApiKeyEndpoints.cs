using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Tenants;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.ApiKeys;

public static class ApiKeyEndpoints
{
    public sealed record CreateApiKeyRequest(string Name, IReadOnlyList<string> Scopes, string? TenantId = null);
    public sealed record CreateApiKeyResponse(string ApiKeyId, string ApiKey, string TenantId, string Name, IReadOnlyList<string> Scopes, string AuditEventId);
    public sealed record RevokeApiKeyResponse(string ApiKeyId, bool Revoked, string AuditEventId);

    public static void MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/api-keys").WithTags("API keys").RequireScope(ApiScopes.Admin);
        group.MapPost("", CreateAsync).WithName("CreateApiKey").Accepts<CreateApiKeyRequest>("application/json").Produces<CreateApiKeyResponse>(201);
        group.MapDelete("/{apiKeyId}", RevokeAsync).WithName("RevokeApiKey").Produces<RevokeApiKeyResponse>();
    }

    /// <summary>Issues a key for a tenant. The key is shown once; only its hash is stored. A tenant admin cannot mint keys for other tenants.</summary>
    private static async Task<IResult> CreateAsync(HttpContext http, RequestBody body, ApiKeyStore store, TenantKeyRing ring, AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<CreateApiKeyRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? null : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        _ = await ring.GetKeysAsync(tenantId, http.RequestAborted);
        var name = InputRules.Name(request.Name, "name");
        if (request.Scopes is null || request.Scopes.Count == 0) throw ApiException.BadRequest("scopes must list at least one scope.", "scopes");
        if (request.Scopes.Count > ApiScopes.All.Count) throw ApiException.BadRequest("scopes lists too many scopes.", "scopes");
        for (var i = 0; i < request.Scopes.Count; i++)
            if (!ApiScopes.All.Contains(request.Scopes[i])) throw ApiException.BadRequest($"Unknown scope; use one of {string.Join(", ", ApiScopes.All)}.", $"scopes[{i}]");
        var scopes = request.Scopes.Distinct(StringComparer.Ordinal).ToList();

        var now = time.GetUtcNow();
        var id = PrefixedId.New(PrefixedId.ApiKey, now);
        var key = ApiKeyFormat.Generate();
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.ApiKeyCreate, new AuditDetails(Detail: $"api_key_id={id}"));
        await store.InsertAsync(new ApiKeyRecord(id, tenantId, name, ApiKeyFormat.Hash(key), scopes, Timestamps.Format(now), null), http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.ApiKeyCreate, "created", new AuditDetails(Detail: $"api_key_id={id};scopes={string.Join(' ', scopes)}"));
        return Results.Json(new CreateApiKeyResponse(id, key, tenantId, name, scopes, eventId), GatewayJson.Options, statusCode: 201);
    }

    private static async Task<IResult> RevokeAsync(string apiKeyId, HttpContext http, ApiKeyStore store, ApiKeyAuthenticator authenticator, AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        apiKeyId = InputRules.Id(apiKeyId, PrefixedId.ApiKey, "API key");
        var record = await store.FindAsync(apiKeyId, http.RequestAborted);
        if (record?.TenantId is null || (caller.TenantId is not null && caller.TenantId != record.TenantId)) throw ApiException.NotFound("API key");
        AuditContext.Get(http)!.TenantId = record.TenantId;
        await audit.RecordIntentAsync(http, record.TenantId, AuditEventTypes.ApiKeyRevoke, new AuditDetails(Detail: $"api_key_id={apiKeyId}"));
        var revoked = await store.RevokeAsync(apiKeyId, Timestamps.Format(time.GetUtcNow()), http.RequestAborted);
        authenticator.Forget(record.KeyHash);
        var eventId = await audit.RecordAsync(http, record.TenantId, AuditEventTypes.ApiKeyRevoke, revoked ? "revoked" : "already_revoked", new AuditDetails(Detail: $"api_key_id={apiKeyId}"));
        return Results.Json(new RevokeApiKeyResponse(apiKeyId, true, eventId), GatewayJson.Options);
    }
}
