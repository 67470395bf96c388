using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Envelopes;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Vault;

public static class VaultEndpoints
{
    public sealed record SealResponse(string CredentialId, int Version, string CredentialType, string Name, string AuditEventId);
    public sealed record UnsealRequest(string CredentialId, string? TenantId = null);
    public sealed record CredentialView(string CredentialId, string Name, string CredentialType, int Version, string Status, string CreatedAt, string UpdatedAt);
    public sealed record CredentialListResponse(IReadOnlyList<CredentialView> Credentials, string AuditEventId);
    public sealed record DestroyResponse(string CredentialId, string Status, string AuditEventId);

    /// <summary>Schema of the seal body for the OpenAPI document (the handler reads it with a zeroing reader, not this type).</summary>
    public sealed record SealRequestSchema(string CredentialType, string Name, JsonElement Secret, string? TenantId = null);

    public static void MapVaultEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/vault").WithTags("Vault");
        group.MapPost("/seal", SealAsync).RequireScope(ApiScopes.VaultSeal).WithName("SealCredential").Accepts<SealRequestSchema>("application/json").Produces<SealResponse>(201);
        group.MapPost("/unseal", UnsealAsync).RequireScope(ApiScopes.VaultUnseal).WithName("UnsealCredential").Accepts<UnsealRequest>("application/json").Produces(200, contentType: "application/json");
        group.MapGet("", ListAsync).RequireScope(ApiScopes.VaultSeal).WithName("ListCredentials").Produces<CredentialListResponse>();
        group.MapPut("/{credentialId}", RotateAsync).RequireScope(ApiScopes.VaultSeal).WithName("RotateCredential").Accepts<SealRequestSchema>("application/json").Produces<SealResponse>();
        group.MapDelete("/{credentialId}", DestroyAsync).RequireScope(ApiScopes.VaultSeal).WithName("DestroyCredential").Produces<DestroyResponse>();
    }

    private static async Task<IResult> SealAsync(HttpContext http, RequestBody body, VaultService vault, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var raw = await body.ReadRawAsync(http);
        SealRequestReader.SealRequest? request = null;
        try
        {
            request = SealRequestReader.Read(raw, requireTypeAndName: true);
            var tenantId = caller.ResolveTenant(request.TenantId is null ? TenantFromQuery(http) : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
            AuditContext.Get(http)!.TenantId = tenantId;
            var name = InputRules.Name(request.Name, "name");
            if (!CredentialTypes.IsKnown(request.CredentialType))
                throw ApiException.BadRequest("credential_type must be api_key, oauth2_client or private_key_jwt.", "credential_type");
            SealRequestReader.ValidateSecret(request.CredentialType!, request.Secret);
            await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.VaultSeal, new AuditDetails(Detail: $"type={request.CredentialType}"));
            var record = await vault.SealAsync(tenantId, request.CredentialType!, name, request.Secret!, http.RequestAborted);
            var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.VaultSeal, "sealed", new AuditDetails(Detail: $"credential_id={record.Id};version=1;type={record.CredentialType}"));
            return Results.Json(new SealResponse(record.Id, 1, record.CredentialType, record.Name, eventId), GatewayJson.Options, statusCode: 201);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
            if (request?.Secret is not null) CryptographicOperations.ZeroMemory(request.Secret);
        }
    }

    private static async Task<IResult> RotateAsync(string credentialId, HttpContext http, RequestBody body, VaultService vault, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var raw = await body.ReadRawAsync(http);
        SealRequestReader.SealRequest? request = null;
        try
        {
            request = SealRequestReader.Read(raw, requireTypeAndName: false);
            var tenantId = caller.ResolveTenant(request.TenantId is null ? TenantFromQuery(http) : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
            AuditContext.Get(http)!.TenantId = tenantId;
            credentialId = InputRules.Id(credentialId, PrefixedId.Vault, "Credential");
            var current = await vault.FindActiveAsync(tenantId, credentialId, http.RequestAborted);
            if (request.CredentialType is not null && request.CredentialType != current.CredentialType)
                throw ApiException.BadRequest("A rotation keeps the credential_type; seal a new credential to change it.", "credential_type");
            await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.VaultRotate, new AuditDetails(Detail: $"credential_id={credentialId}"));
            var record = await vault.RotateAsync(tenantId, credentialId, request.Secret!, http.RequestAborted);
            var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.VaultRotate, "rotated", new AuditDetails(Detail: $"credential_id={credentialId};version={record.CurrentVersion}"));
            return Results.Json(new SealResponse(record.Id, record.CurrentVersion, record.CredentialType, record.Name, eventId), GatewayJson.Options);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
            if (request?.Secret is not null) CryptographicOperations.ZeroMemory(request.Secret);
        }
    }

    /// <summary>The credential comes back only inside an envelope to the tenant, never in clear.</summary>
    private static async Task<IResult> UnsealAsync(HttpContext http, RequestBody body, VaultService vault, EnvelopeService envelopes, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<UnsealRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? null : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        var credentialId = InputRules.Id(request.CredentialId, PrefixedId.Vault, "Credential");
        var (record, secret) = await vault.UnsealAsync(tenantId, credentialId, http.RequestAborted);
        var buffer = new ArrayBufferWriter<byte>(secret.Length + 256);
        try
        {
            await using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("credential_id", record.Id);
                writer.WriteNumber("version", record.CurrentVersion);
                writer.WriteString("credential_type", record.CredentialType);
                writer.WritePropertyName("secret");
                writer.WriteRawValue(secret, skipInputValidation: true);
                writer.WriteEndObject();
            }
            var audit_ = AuditContext.Get(http)!;
            var sealedEnvelope = await envelopes.SealAsync(tenantId, buffer.WrittenMemory, true, audit_.EventId, RequestIdMiddleware.Get(http)!, http.RequestAborted);
            await audit.RecordAsync(http, tenantId, AuditEventTypes.VaultUnseal, "unsealed",
                new AuditDetails(ResponseDigest: sealedEnvelope.ResponseDigestHex, Detail: $"credential_id={record.Id};version={record.CurrentVersion}"));
            return Results.Bytes(sealedEnvelope.ToUtf8Json(), "application/json");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            buffer.Clear();
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, CredentialStore store, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        var records = await store.ListAsync(tenantId, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.VaultRead, "ok");
        return Results.Json(new CredentialListResponse(
            records.Select(r => new CredentialView(r.Id, r.Name, r.CredentialType, r.CurrentVersion, r.Status, r.CreatedAt, r.UpdatedAt)).ToList(), eventId), GatewayJson.Options);
    }

    private static async Task<IResult> DestroyAsync(string credentialId, HttpContext http, VaultService vault, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        credentialId = InputRules.Id(credentialId, PrefixedId.Vault, "Credential");
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.VaultDestroy, new AuditDetails(Detail: $"credential_id={credentialId}"));
        await vault.DestroyAsync(tenantId, credentialId, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.VaultDestroy, "destroyed", new AuditDetails(Detail: $"credential_id={credentialId}"));
        return Results.Json(new DestroyResponse(credentialId, CredentialStatus.Destroyed, eventId), GatewayJson.Options);
    }

    /// <summary>The admin key names the tenant with <c>?tenant_id=</c> on endpoints whose body has no place for it.</summary>
    internal static string? TenantFromQuery(HttpContext http)
    {
        var values = http.Request.Query["tenant_id"];
        if (values.Count == 0) return null;
        if (values.Count > 1) throw ApiException.BadRequest("tenant_id is given more than once.", "tenant_id");
        return InputRules.Id(values[0], PrefixedId.Tenant, "Tenant");
    }
}
