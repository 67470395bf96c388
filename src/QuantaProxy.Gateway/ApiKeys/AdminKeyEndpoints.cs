using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.ApiKeys;

/// <summary>
/// Global admin keys: create, rotate (a replacement is issued and the old key revoked in one transaction) and revoke,
/// never leaving none. Only a global admin key manages them; every step is recorded in the system chain, the intent
/// before the change and the outcome after it.
/// </summary>
public static class AdminKeyEndpoints
{
    public sealed record CreateAdminKeyRequest(string Name);
    public sealed record AdminKeyView(string ApiKeyId, string Name, string CreatedAt, string? RevokedAt);
    public sealed record AdminKeyListResponse(IReadOnlyList<AdminKeyView> AdminKeys, string AuditEventId);
    public sealed record IssuedAdminKeyResponse(string ApiKeyId, string ApiKey, string Name, string? Replaces, string AuditEventId);
    public sealed record RevokedAdminKeyResponse(string ApiKeyId, bool Revoked, string AuditEventId);

    public static void MapAdminKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/admin-keys").WithTags("Admin keys").RequireScope(ApiScopes.Admin);
        group.MapGet("", ListAsync).WithName("ListAdminKeys").Produces<AdminKeyListResponse>();
        group.MapPost("", CreateAsync).WithName("CreateAdminKey").Accepts<CreateAdminKeyRequest>("application/json").Produces<IssuedAdminKeyResponse>(201);
        group.MapPost("/{apiKeyId}/rotate", RotateAsync).WithName("RotateAdminKey").Produces<IssuedAdminKeyResponse>(201);
        group.MapDelete("/{apiKeyId}", RevokeAsync).WithName("RevokeAdminKey").Produces<RevokedAdminKeyResponse>();
    }

    /// <summary>A tenant's own admin key is not a global admin: to it, these keys do not exist.</summary>
    private static CallerContext RequireGlobalAdmin(HttpContext http)
    {
        var caller = CallerContext.Get(http);
        if (!caller.IsAdmin) throw ApiException.NotFound("Admin key");
        AuditContext.Get(http)!.TenantId = AuditRecorder.SystemChain;
        return caller;
    }

    private static async Task<IResult> ListAsync(HttpContext http, ApiKeyStore store, AuditRecorder audit)
    {
        RequireGlobalAdmin(http);
        var keys = await store.ListAdminAsync(http.RequestAborted);
        var eventId = await audit.RecordAsync(http, AuditRecorder.SystemChain, AuditEventTypes.ApiKeyRead, "ok", new AuditDetails(Detail: "admin_keys"));
        return Results.Json(new AdminKeyListResponse(keys.Select(k => new AdminKeyView(k.Id, k.Name, k.CreatedAt, k.RevokedAt)).ToList(), eventId), GatewayJson.Options);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RequestBody body, ApiKeyStore store, AuditRecorder audit, TimeProvider time)
    {
        RequireGlobalAdmin(http);
        var (request, _) = await body.ReadJsonAsync<CreateAdminKeyRequest>(http);
        var name = InputRules.Name(request.Name, "name");
        var (record, key) = NewKey(name, time);
        await audit.RecordIntentAsync(http, AuditRecorder.SystemChain, AuditEventTypes.ApiKeyCreate, new AuditDetails(Detail: $"admin_key_id={record.Id}"));
        await store.InsertAsync(record, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, AuditRecorder.SystemChain, AuditEventTypes.ApiKeyCreate, "created", new AuditDetails(Detail: $"admin_key_id={record.Id}"));
        return Results.Json(new IssuedAdminKeyResponse(record.Id, key, name, null, eventId), GatewayJson.Options, statusCode: 201);
    }

    private static async Task<IResult> RotateAsync(string apiKeyId, HttpContext http, ApiKeyStore store, ApiKeyAuthenticator authenticator, AuditRecorder audit, TimeProvider time)
    {
        RequireGlobalAdmin(http);
        apiKeyId = InputRules.Id(apiKeyId, PrefixedId.ApiKey, "Admin key");
        var old = await store.FindAsync(apiKeyId, http.RequestAborted);
        if (old is null || old.TenantId is not null || !old.IsAdmin) throw ApiException.NotFound("Admin key");
        var (record, key) = NewKey(old.Name, time);
        await audit.RecordIntentAsync(http, AuditRecorder.SystemChain, AuditEventTypes.ApiKeyRevoke, new AuditDetails(Detail: $"rotate;admin_key_id={apiKeyId};replacement={record.Id}"));
        var outcome = await store.RevokeAdminAsync(apiKeyId, Timestamps.Format(time.GetUtcNow()), record, http.RequestAborted);
        if (outcome == ApiKeyStore.AdminRevocation.NotFound) throw ApiException.NotFound("Admin key");
        if (outcome == ApiKeyStore.AdminRevocation.AlreadyRevoked) throw new ApiException(409, ProblemCodes.Conflict, "This admin key is already revoked; rotate an active one.");
        authenticator.Forget(old.KeyHash);
        var eventId = await audit.RecordAsync(http, AuditRecorder.SystemChain, AuditEventTypes.ApiKeyRevoke, "rotated",
            new AuditDetails(Detail: $"admin_key_id={apiKeyId};replacement={record.Id}"));
        return Results.Json(new IssuedAdminKeyResponse(record.Id, key, record.Name, apiKeyId, eventId), GatewayJson.Options, statusCode: 201);
    }

    private static async Task<IResult> RevokeAsync(string apiKeyId, HttpContext http, ApiKeyStore store, ApiKeyAuthenticator authenticator, AuditRecorder audit, TimeProvider time)
    {
        RequireGlobalAdmin(http);
        apiKeyId = InputRules.Id(apiKeyId, PrefixedId.ApiKey, "Admin key");
        var old = await store.FindAsync(apiKeyId, http.RequestAborted);
        if (old is null || old.TenantId is not null || !old.IsAdmin) throw ApiException.NotFound("Admin key");
        await audit.RecordIntentAsync(http, AuditRecorder.SystemChain, AuditEventTypes.ApiKeyRevoke, new AuditDetails(Detail: $"admin_key_id={apiKeyId}"));
        var outcome = await store.RevokeAdminAsync(apiKeyId, Timestamps.Format(time.GetUtcNow()), null, http.RequestAborted);
        switch (outcome)
        {
            case ApiKeyStore.AdminRevocation.NotFound:
                throw ApiException.NotFound("Admin key");
            case ApiKeyStore.AdminRevocation.LastActiveKey:
                throw new ApiException(409, ProblemCodes.Conflict, "This is the last active admin key: create or rotate to a replacement first.");
        }
        authenticator.Forget(old.KeyHash);
        var eventId = await audit.RecordAsync(http, AuditRecorder.SystemChain, AuditEventTypes.ApiKeyRevoke,
            outcome == ApiKeyStore.AdminRevocation.Revoked ? "revoked" : "already_revoked", new AuditDetails(Detail: $"admin_key_id={apiKeyId}"));
        return Results.Json(new RevokedAdminKeyResponse(apiKeyId, true, eventId), GatewayJson.Options);
    }

    private static (ApiKeyRecord Record, string Key) NewKey(string name, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var key = ApiKeyFormat.Generate();
        return (new ApiKeyRecord(PrefixedId.New(PrefixedId.ApiKey, now), null, name, ApiKeyFormat.Hash(key), [ApiScopes.Admin], Timestamps.Format(now), null), key);
    }
}
