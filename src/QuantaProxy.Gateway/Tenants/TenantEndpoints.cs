using QuantaProxy.Crypto.Formats;
using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Tenants;

public static class TenantEndpoints
{
    public sealed record CreateTenantRequest(string Name, string? KmsKeyId = null);
    public sealed record CreateTenantResponse(string TenantId, string Name, string HmacKey, string SigningKeyId, string VaultKeyId, string CheckpointKeyId, string AuditEventId);
    public sealed record RegisterEnvelopeKeyRequest(string PublicKey);
    public sealed record RegisterEnvelopeKeyResponse(string KeyId, string TenantId, string AuditEventId);
    public sealed record PublicKeyView(string KeyId, string PublicKey, string Status, string CreatedAt, string? RetiredAt);
    public sealed record CheckpointKeyView(string KeyId, string Name, string PublicKey, string Status);
    public sealed record TenantKeysResponse(string TenantId, IReadOnlyList<PublicKeyView> SigningKeys, IReadOnlyList<PublicKeyView> EnvelopeKeys,
        IReadOnlyList<PublicKeyView> VaultKeys, IReadOnlyList<CheckpointKeyView> CheckpointKeys, string AuditEventId);
    public sealed record RotateKeyRequest(string Purpose);
    public sealed record RotateKeyResponse(string KeyId, string Purpose, string? HmacKey, string AuditEventId);

    public static void MapTenantEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/tenants").WithTags("Tenants");
        group.MapPost("", CreateAsync).RequireScope(ApiScopes.Admin).WithName("CreateTenant").Accepts<CreateTenantRequest>("application/json").Produces<CreateTenantResponse>(201);
        group.MapPost("/{tenantId}/envelope-keys", RegisterEnvelopeKeyAsync).RequireScope(ApiScopes.Admin).WithName("RegisterEnvelopeKey").Accepts<RegisterEnvelopeKeyRequest>("application/json").Produces<RegisterEnvelopeKeyResponse>(201);
        group.MapGet("/{tenantId}/keys", GetKeysAsync).WithName("GetTenantKeys").Produces<TenantKeysResponse>();
        group.MapPost("/{tenantId}/keys/rotate", RotateAsync).RequireScope(ApiScopes.Admin).WithName("RotateTenantKey").Accepts<RotateKeyRequest>("application/json").Produces<RotateKeyResponse>();
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RequestBody body, TenantService tenants, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        if (!caller.IsAdmin) throw new ApiException(403, ProblemCodes.InsufficientScope, "Only the admin key creates tenants.");
        var (request, _) = await body.ReadJsonAsync<CreateTenantRequest>(http);
        var name = InputRules.Name(request.Name, "name");
        if (request.KmsKeyId is { } kmsKey && (kmsKey.Length > 2048 || kmsKey.Any(char.IsControl)))
            throw ApiException.BadRequest("kms_key_id is not a KMS key reference.", "kms_key_id");
        await audit.RecordIntentAsync(http, AuditRecorder.SystemChain, AuditEventTypes.TenantCreate, new AuditDetails(Detail: $"name_length={name.Length}"));
        var created = await tenants.CreateAsync(name, request.KmsKeyId, http.RequestAborted);
        try
        {
            var eventId = await audit.RecordAsync(http, created.TenantId, AuditEventTypes.TenantCreate, "created",
                new AuditDetails(Detail: $"signing_key={created.SigningKeyId};vault_key={created.VaultKeyId};checkpoint_key={created.CheckpointKeyId}"));
            return Results.Json(new CreateTenantResponse(created.TenantId, created.Name, Convert.ToBase64String(created.HmacKey), created.SigningKeyId,
                created.VaultKeyId, created.CheckpointKeyId, eventId), GatewayJson.Options, statusCode: 201);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(created.HmacKey);
        }
    }

    private static async Task<IResult> RegisterEnvelopeKeyAsync(string tenantId, HttpContext http, RequestBody body, TenantStore store, TenantKeyRing ring, AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        tenantId = caller.ResolveTenant(InputRules.Id(tenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        _ = await ring.GetKeysAsync(tenantId, http.RequestAborted);
        var (request, _) = await body.ReadJsonAsync<RegisterEnvelopeKeyRequest>(http);
        byte[] publicKey;
        try
        {
            publicKey = Convert.FromBase64String(request.PublicKey);
            _ = MlKem768PublicKey.FromEncoding(publicKey);
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw ApiException.BadRequest("public_key must be the base64 of a 1184-byte ML-KEM-768 public key.", "public_key");
        }
        var now = time.GetUtcNow();
        var keyId = PrefixedId.New(PrefixedId.EnvelopeKey, now);
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.KeyRegister, new AuditDetails(Detail: $"envelope_key={keyId}"));
        await store.AddEnvelopeKeyAsync(new EnvelopeKeyRecord(keyId, tenantId, publicKey, KeyStatus.Active, Timestamps.Format(now), null), http.RequestAborted);
        ring.Invalidate(tenantId);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.KeyRegister, "registered", new AuditDetails(Detail: $"envelope_key={keyId}"));
        return Results.Json(new RegisterEnvelopeKeyResponse(keyId, tenantId, eventId), GatewayJson.Options, statusCode: 201);
    }

    private static async Task<IResult> GetKeysAsync(string tenantId, HttpContext http, TenantKeyRing ring, AuditRecorder audit, Microsoft.Extensions.Options.IOptions<AuditOptions> auditOptions)
    {
        var caller = CallerContext.Get(http);
        tenantId = caller.ResolveTenant(InputRules.Id(tenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        ring.Invalidate(tenantId);
        var keys = await ring.GetKeysAsync(tenantId, http.RequestAborted);
        static PublicKeyView View(TenantKeyRecord k) => new(k.Id, Convert.ToBase64String(k.PublicKey!), k.Status, k.CreatedAt, k.RetiredAt);
        var checkpointName = $"{auditOptions.Value.Origin}/audit/{tenantId}";
        var response = new TenantKeysResponse(
            tenantId,
            keys.Keys.Where(k => k.Purpose == TenantKeyPurpose.EnvelopeSigning).Select(View).ToList(),
            keys.EnvelopeKeys.Select(k => new PublicKeyView(k.Id, Convert.ToBase64String(k.PublicKey), k.Status, k.CreatedAt, k.RetiredAt)).ToList(),
            keys.Keys.Where(k => k.Purpose == TenantKeyPurpose.VaultKem).Select(View).ToList(),
            keys.Keys.Where(k => k.Purpose == TenantKeyPurpose.AuditCheckpoint).Select(k => new CheckpointKeyView(k.Id, checkpointName, Convert.ToBase64String(k.PublicKey!), k.Status)).ToList(),
            await audit.RecordAsync(http, tenantId, AuditEventTypes.KeyRead, "ok"));
        return Results.Json(response, GatewayJson.Options);
    }

    private static async Task<IResult> RotateAsync(string tenantId, HttpContext http, RequestBody body, TenantService tenants, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        tenantId = caller.ResolveTenant(InputRules.Id(tenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        var (request, _) = await body.ReadJsonAsync<RotateKeyRequest>(http);
        var purpose = request.Purpose switch
        {
            "signing" => TenantKeyPurpose.EnvelopeSigning,
            "vault" => TenantKeyPurpose.VaultKem,
            _ => throw ApiException.BadRequest("purpose must be 'signing' or 'vault'.", "purpose"),
        };
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.KeyRotate, new AuditDetails(Detail: $"purpose={request.Purpose}"));
        var (keyId, hmac) = await tenants.RotateAsync(tenantId, purpose, http.RequestAborted);
        try
        {
            var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.KeyRotate, "rotated", new AuditDetails(Detail: $"{request.Purpose}_key={keyId}"));
            return Results.Json(new RotateKeyResponse(keyId, request.Purpose, hmac is null ? null : Convert.ToBase64String(hmac), eventId), GatewayJson.Options);
        }
        finally
        {
            if (hmac is not null) System.Security.Cryptography.CryptographicOperations.ZeroMemory(hmac);
        }
    }
}
