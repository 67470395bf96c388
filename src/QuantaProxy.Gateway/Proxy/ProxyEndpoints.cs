using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Envelopes;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Hosting;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Okta;
using QuantaProxy.Gateway.Telemetry;
using QuantaProxy.Gateway.Vault;
using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Proxy;

public static class ProxyEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public sealed record ProxyRequest(string IntegrationId, string Operation, JsonElement? Payload = null, string? TenantId = null);

    public static void MapProxyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v2/proxy/outbound", OutboundAsync)
            .WithTags("Proxy").WithName("ProxyOutbound")
            .Accepts<ProxyRequest>("application/json")
            .Produces(200, contentType: "application/json")
            .WithDescription("Calls an allowed Okta Management operation with the integration's sealed credential and answers with a HybridCryptoEnvelope (FORMATS.md §1).");
    }

    private static async Task<IResult> OutboundAsync(HttpContext http, RequestBody body, IntegrationStore integrations, VaultService vault,
        OktaConnector connector, OktaCursors cursors, EnvelopeService envelopes, AuditRecorder audit, IdempotencyStore idempotency, IOptions<IdempotencyOptions> idempotencyOptions, TimeProvider time)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = GatewayTelemetry.Source.StartActivity("proxy.call");
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<ProxyRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? null : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        var auditContext = AuditContext.Get(http)!;
        auditContext.TenantId = tenantId;
        caller.Require(ApiScopes.ProxyInvoke);

        var integrationId = PrefixedId.IsValid(request.IntegrationId, PrefixedId.Integration) ? request.IntegrationId : null;
        var integration = integrationId is null ? null : await integrations.FindAsync(tenantId, integrationId, http.RequestAborted);
        if (integration is null) throw new ApiException(404, ProblemCodes.IntegrationNotFound, "Integration not found.", "integration_id");
        activity?.SetTag("qp.integration_id", integration.Id);

        var operationName = request.Operation ?? "";
        if (!OktaOperationCatalog.Default.TryGet(operationName, out var operation))
            throw await DenyAsync(http, audit, tenantId, integration.Id, "", new ApiException(400, ProblemCodes.UnknownOperation, "Unknown operation; see the operation catalog.", "operation"));
        activity?.SetTag("qp.operation", operation.Name);
        if (!integration.AllowedOperations.Contains(operation.Name, StringComparer.Ordinal))
            throw await DenyAsync(http, audit, tenantId, integration.Id, operation.Name,
                new ApiException(403, ProblemCodes.OperationNotAllowed, $"The integration does not allow '{operation.Name}'."));

        ValidatedOktaRequest validated;
        try
        {
            var payload = request.Payload ?? default;
            validated = operation.Validate(payload);
            // A next_cursor becomes the exact query it continues (checked to be this call's, then validated again).
            validated = await cursors.ResolveAsync(tenantId, integration.Id, operation, validated, http.RequestAborted);
        }
        catch (PayloadValidationException e)
        {
            throw await DenyAsync(http, audit, tenantId, integration.Id, operation.Name, new ApiException(400, ProblemCodes.InvalidPayload, e.Message, e.Field));
        }
        catch (OktaCursorException e)
        {
            throw await DenyAsync(http, audit, tenantId, integration.Id, operation.Name, new ApiException(400, e.Code, e.Message, e.Field));
        }

        var idempotencyKey = ReadIdempotencyKey(http);
        if (idempotencyKey is not null)
        {
            var now = time.GetUtcNow();
            var (claim, replay) = await idempotency.ClaimAsync(tenantId, idempotencyKey, auditContext.RequestDigest, Timestamps.Format(now),
                Timestamps.Format(now - idempotencyOptions.Value.Ttl), idempotencyOptions.Value.MaxBytesPerTenant, http.RequestAborted);
            switch (claim)
            {
                case IdempotencyStore.ClaimResult.Replay:
                    await audit.RecordAsync(http, tenantId, AuditEventTypes.ProxyCall, "idempotent_replay",
                        new AuditDetails(IntegrationId: integration.Id, Operation: operation.Name, Detail: "replayed the first answer"));
                    http.Response.Headers["Idempotent-Replayed"] = "true";
                    return Results.Bytes(replay!, "application/json");
                case IdempotencyStore.ClaimResult.Mismatch:
                    throw new ApiException(422, ProblemCodes.IdempotencyConflict, "This Idempotency-Key was used with a different request.", IdempotencyHeader);
                case IdempotencyStore.ClaimResult.InProgress:
                    throw new ApiException(409, ProblemCodes.IdempotencyConflict, "A request with this Idempotency-Key is still in progress.", IdempotencyHeader) { RetryAfter = TimeSpan.FromSeconds(1) };
                case IdempotencyStore.ClaimResult.QuotaExceeded:
                    throw new ApiException(429, ProblemCodes.IdempotencyQuotaExceeded,
                        "This tenant's stored idempotent answers are at their limit; retry without Idempotency-Key or after older keys expire.", IdempotencyHeader)
                        { RetryAfter = TimeSpan.FromMinutes(1) };
            }
        }

        try
        {
            var answer = await CallAndSealAsync(http, tenantId, integration, operation, validated, auditContext, vault, connector, envelopes, audit, time, started);
            if (idempotencyKey is not null) await idempotency.CompleteAsync(tenantId, idempotencyKey, 200, answer, CancellationToken.None);
            return Results.Bytes(answer, "application/json");
        }
        catch when (idempotencyKey is not null)
        {
            // Whatever went wrong (Okta, the audit, the client leaving), a claim is never left pending.
            await idempotency.ReleaseAsync(tenantId, idempotencyKey, CancellationToken.None);
            throw;
        }
    }

    private static async Task<byte[]> CallAndSealAsync(HttpContext http, string tenantId, IntegrationRecord integration, OktaOperation operation, ValidatedOktaRequest validated,
        AuditContext auditContext, VaultService vault, OktaConnector connector, EnvelopeService envelopes, AuditRecorder audit, TimeProvider time, long started)
    {
        if (operation.Mutating)
        {
            await audit.RecordExtraAsync(http, tenantId, PrefixedId.New(PrefixedId.AuditEvent, time.GetUtcNow()), AuditEventTypes.ProxyIntent, "intent",
                new AuditDetails(IntegrationId: integration.Id, Operation: operation.Name, Detail: $"call_event={auditContext.EventId}"));
        }

        OktaCallResult result;
        try
        {
            var context = new OktaCallContext(
                integration.Id, tenantId, new Uri(integration.OktaDomain), integration.Scopes, integration.CredentialId,
                async ct =>
                {
                    var head = await vault.FindActiveAsync(tenantId, integration.CredentialId, ct);
                    return new OktaCredentialHead(head.CredentialType, head.CurrentVersion);
                },
                async ct =>
                {
                    var (record, plaintext) = await vault.UnsealAsync(tenantId, integration.CredentialId, ct);
                    try
                    {
                        return OktaCredential.Parse(record.CredentialType, record.CurrentVersion, plaintext);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(plaintext);
                    }
                });
            result = await connector.CallAsync(context, operation, validated, http.RequestAborted);
        }
        catch (OktaCallException e)
        {
            GatewayTelemetry.ProxyCalls.Add(1, new("operation", operation.Name), new("outcome", e.Code));
            await audit.RecordAsync(http, tenantId, e.Code == OktaConnector.PathMismatchCode ? AuditEventTypes.ProxyDenied : AuditEventTypes.ProxyCall, e.Code,
                new AuditDetails(IntegrationId: integration.Id, Operation: operation.Name, Detail: e.Code));
            throw;
        }

        var plaintextAnswer = result.ToPlaintextJson(operation.Name);
        byte[] envelopeBytes;
        try
        {
            // The event names the answer by the digest of its signed message, known before the signature: it is
            // written while the answer is signed, and the answer is returned only once both are done.
            var sealedEnvelope = await envelopes.SealWhileRecordingAsync(tenantId, plaintextAnswer, result.Success, auditContext.EventId, RequestIdMiddleware.Get(http)!,
                responseDigest => audit.RecordAsync(http, tenantId, AuditEventTypes.ProxyCall, result.Success ? "success" : "okta_error",
                    new AuditDetails(IntegrationId: integration.Id, Operation: operation.Name,
                        UpstreamStatus: result.Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        UpstreamRequestId: result.OktaRequestId, ResponseDigest: responseDigest)),
                http.RequestAborted);
            envelopeBytes = sealedEnvelope.ToUtf8Json();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintextAnswer);
        }
        GatewayTelemetry.ProxyCalls.Add(1, new("operation", operation.Name), new("outcome", result.Success ? "success" : "okta_error"));
        GatewayTelemetry.ProxyDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation.Name));
        return envelopeBytes;
    }

    /// <summary>A refused call is a <c>proxy.denied</c> event, stored before the refusal is answered.</summary>
    private static async Task<ApiException> DenyAsync(HttpContext http, AuditRecorder audit, string tenantId, string integrationId, string operation, ApiException refusal)
    {
        await audit.RecordAsync(http, tenantId, AuditEventTypes.ProxyDenied, refusal.Code,
            new AuditDetails(IntegrationId: integrationId, Operation: operation, Detail: refusal.Field is null ? refusal.Code : $"{refusal.Code};field={refusal.Field}"));
        return refusal;
    }

    private static string? ReadIdempotencyKey(HttpContext http)
    {
        var values = http.Request.Headers[IdempotencyHeader];
        if (values.Count == 0) return null;
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > 200 || !key.All(c => c is >= '!' and <= '~'))
            throw ApiException.BadRequest("Idempotency-Key must be 1 to 200 printable ASCII characters.", IdempotencyHeader);
        return key;
    }
}
