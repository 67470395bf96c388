using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Crypto.Vault;
using QuantaProxy.Gateway.Agents;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Http;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.Proxy.Pipeline;
using QuantaProxy.Gateway.Tenants;

namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// Calls held for approval: holding one (payload sealed to the tenant's vault key), the approvers' decisions (N distinct
/// people, never the caller nor the person acted for), and running the call exactly once when the last approval arrives.
/// </summary>
public sealed class ApprovalService(ApprovalStore store, ApiKeys.ApiKeyStore apiKeys, TenantKeyRing keyRing, AuditRecorder audit, IOptions<PolicyOptions> options, TimeProvider time,
    OktaCursors cursors, IServiceProvider services, ILogger<ApprovalService> logger)
{
    private const string SealedType = "approval_payload";

    private sealed record StoredCaller(string ApiKeyId, string? TenantId, IReadOnlyList<string> Scopes, AgentIdentity? Agent);

    /// <summary>The agent that asked, as the audit names it (<c>agent:&lt;issuer&gt;|&lt;client_id&gt;</c>), or null for an API key.</summary>
    public static string? AgentOf(ApprovalRecord record) => JsonSerializer.Deserialize<StoredCaller>(record.CallerJson)?.Agent?.Actor;

    public async Task<ApprovalRecord> HoldAsync(OutboundCall call, PolicyOutcome outcome, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var id = PrefixedId.New(ApprovalEndpoints.IdPrefix, now);
        var keys = await keyRing.GetKeysAsync(call.TenantId, ct);
        var vaultKey = keys.Active(TenantKeyPurpose.VaultKem);
        var payload = Encoding.UTF8.GetBytes(call.Payload.ValueKind == JsonValueKind.Undefined ? "{}" : call.Payload.GetRawText());
        var sealedPayload = VaultBlob.Seal(call.TenantId, id, 1, SealedType, vaultKey.Id, MlKem768PublicKey.FromEncoding(vaultKey.PublicKey!), payload);
        var caller = JsonSerializer.Serialize(new StoredCaller(call.Caller.ApiKeyId, call.Caller.TenantId, call.Caller.Scopes, call.Caller.Agent));
        var record = new ApprovalRecord(id, call.TenantId, ApprovalStates.Pending, outcome.ApprovalsRequired, outcome.DeterminingPolicies, call.Caller.ApiKeyId,
            call.Audit.OnBehalfOf, caller, call.ResolvedIntegration.Id, call.ResolvedOperation.Name, vaultKey.Id, sealedPayload.Enc, sealedPayload.Ciphertext, [],
            Timestamps.Format(now), Timestamps.Format(now + options.Value.ApprovalLifetime), null, null, null, null, outcome.Reasons, call.AgentRecordId);
        await store.InsertAsync(record, ct);
        await audit.RecordAsync(call.Audit, call.TenantId, AuditEventTypes.ApprovalRequest, ApprovalStates.Pending,
            new AuditDetails(IntegrationId: record.IntegrationId, Operation: record.Operation, Detail: $"approval={id};required={record.Required}"));
        return record;
    }

    /// <summary>An approver's decision; on the last approval the call runs (once, on the replica whose transition won).</summary>
    public async Task<ApprovalRecord> DecideAsync(HttpContext http, string tenantId, string id, bool approve)
    {
        var caller = CallerContext.Get(http);
        var ct = http.RequestAborted;
        var record = await store.FindAsync(tenantId, id, ct) ?? throw ApiException.NotFound("Approval");
        var now = time.GetUtcNow();
        if (record.State == ApprovalStates.Pending && DateTimeOffset.Parse(record.ExpiresAt, System.Globalization.CultureInfo.InvariantCulture) <= now)
        {
            await store.TransitionAsync(record, ApprovalStates.Expired, record.Approvers, Timestamps.Format(now), ct);
            await audit.RecordAsync(http, tenantId, AuditEventTypes.ApprovalExpire, ApprovalStates.Expired, new AuditDetails(Detail: $"approval={id}"));
            throw new ApiException(409, PolicyProblemCodes.ApprovalExpired, "The approval expired; the call was not run.");
        }
        if (record.State != ApprovalStates.Pending)
            throw new ApiException(409, PolicyProblemCodes.ApprovalNotPending, $"The approval is {record.State}; nothing was changed.");
        var approver = ApprovalApprovers.IdentityOf(caller);
        if (caller.ApiKeyId == record.RequestedBy)
            throw new ApiException(403, PolicyProblemCodes.ApprovalOwnRequest, "The caller who made a request cannot decide on it.");
        if (record.OnBehalfOf.Length > 0 && ApprovalApprovers.PersonOf(caller) == record.OnBehalfOf)
            throw new ApiException(403, PolicyProblemCodes.ApprovalOwnRequest, "The person on whose behalf the call was made cannot decide on it.");
        if (record.Approvers.Contains(approver))
            throw new ApiException(409, PolicyProblemCodes.ApprovalDuplicate, "This approver already approved; approvals must come from distinct people.");

        var type = approve ? AuditEventTypes.ApprovalApprove : AuditEventTypes.ApprovalReject;
        await audit.RecordIntentAsync(http, tenantId, type, new AuditDetails(IntegrationId: record.IntegrationId, Operation: record.Operation, Detail: $"approval={id}"));
        var approvers = approve ? record.Approvers.Append(approver).ToList() : record.Approvers.ToList();
        var next = !approve ? ApprovalStates.Rejected : approvers.Count >= record.Required ? ApprovalStates.Executing : ApprovalStates.Pending;
        if (!await store.TransitionAsync(record, next, approvers, Timestamps.Format(now), ct))
            throw new ApiException(409, ProblemCodes.Conflict, "The approval changed at the same moment; read it again.");
        await audit.RecordAsync(http, tenantId, type, next, new AuditDetails(IntegrationId: record.IntegrationId, Operation: record.Operation,
            Detail: $"approval={id};approvals={approvers.Count}/{record.Required}"));
        var decided = record with { State = next, Approvers = approvers };
        if (next == ApprovalStates.Executing) await ExecuteAsync(decided, approvers.Count, CancellationToken.None);
        return await store.FindAsync(tenantId, id, ct) ?? decided;
    }

    /// <summary>
    /// The held call's arguments as its policies saw them (<c>context.args</c>): the sealed payload opened and bound by the
    /// operation the way the pipeline binds it (a continuation cursor resolved to its query). Null when the payload no longer
    /// binds (the catalog changed since): shown as nothing rather than as a guess. The clear values live only in the answer
    /// of the one request that asked; callers must not log or audit them.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, object>?> ArgumentsAsync(ApprovalRecord record, CancellationToken ct)
    {
        if (!OktaOperationCatalog.Default.TryGet(record.Operation, out var operation)) return null;
        var payload = await OpenPayloadAsync(record, ct);
        try
        {
            using var document = JsonDocument.Parse(payload);
            var bound = await cursors.ResolveAsync(record.TenantId, record.IntegrationId, operation, operation.Validate(document.RootElement), ct);
            return bound.Arguments.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is PayloadValidationException or OktaCursorException or JsonException)
        {
            return null;
        }
        finally
        {
            Array.Clear(payload);
        }
    }

    private async Task<byte[]> OpenPayloadAsync(ApprovalRecord record, CancellationToken ct)
    {
        var keys = await keyRing.GetKeysAsync(record.TenantId, ct);
        var vaultKey = keys.Find(record.VaultKeyId, TenantKeyPurpose.VaultKem) ?? throw new InvalidOperationException("An approval names a vault key its tenant does not have.");
        return await keyRing.UseVaultKeyAsync(vaultKey,
            key => VaultBlob.Open(record.TenantId, record.Id, 1, SealedType, record.VaultKeyId, key, record.PayloadEnc, record.PayloadCiphertext), ct);
    }

    /// <summary>Runs the held call from its stored form, with the caller as it was verified when it asked.</summary>
    private async Task ExecuteAsync(ApprovalRecord record, int approvals, CancellationToken ct)
    {
        var stored = JsonSerializer.Deserialize<StoredCaller>(record.CallerJson) ?? throw new InvalidOperationException("An approval without its caller.");
        var caller = new CallerContext(stored.ApiKeyId, stored.TenantId, stored.Scopes, stored.Agent);
        // An API key revoked while its call waited does not get the call run (an agent is checked again by the pipeline).
        var key = stored.Agent is null ? await apiKeys.FindAsync(stored.ApiKeyId, ct) : null;
        if (stored.Agent is null && (key is null || key.RevokedAt is not null))
        {
            await store.FinishAsync(record.TenantId, record.Id, ApprovalStates.Failed, "", null, "caller_revoked", ct);
            return;
        }
        var payload = await OpenPayloadAsync(record, ct);
        var now = time.GetUtcNow();
        var requestId = PrefixedId.New(PrefixedId.Request, now);
        var auditContext = new AuditContext(PrefixedId.New(PrefixedId.AuditEvent, now)) { Actor = stored.ApiKeyId, TenantId = record.TenantId };
        JsonElement arguments;
        using (var document = JsonDocument.Parse(payload)) arguments = document.RootElement.Clone();
        Array.Clear(payload);
        var call = new OutboundCall(caller, record.TenantId, requestId, auditContext)
        {
            RequestedIntegrationId = record.IntegrationId,
            RequestedOperation = record.Operation,
            Payload = arguments,
            ApprovalId = record.Id,
            Approvals = approvals,
        };
        try
        {
            await services.GetRequiredService<OutboundPipeline>().RunAsync(call, ct);
            await store.FinishAsync(record.TenantId, record.Id, ApprovalStates.Executed, requestId, call.Envelope, "ok", ct);
        }
        catch (ApiException refused)
        {
            await store.FinishAsync(record.TenantId, record.Id, ApprovalStates.Failed, requestId, null, refused.Code, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("The approved call {ApprovalId} failed: {Reason}", record.Id, e.GetType().Name);
            await store.FinishAsync(record.TenantId, record.Id, ApprovalStates.Failed, requestId, null, "failed", ct);
        }
    }
}
