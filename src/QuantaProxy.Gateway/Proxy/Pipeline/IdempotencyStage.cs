using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>
/// <c>Idempotency-Key</c>: claims the key before anything is sent (two concurrent retries cannot both act), replays the
/// stored answer of a finished call, and — through <see cref="CompleteAsync"/> and <see cref="AbandonAsync"/>, which the
/// pipeline calls — stores the answer, or releases the claim whatever made the call fail.
/// </summary>
public sealed class IdempotencyStage(IdempotencyStore store, IOptions<IdempotencyOptions> options, AuditRecorder audit, TimeProvider time) : IOutboundStage
{
    public const string Header = "Idempotency-Key";

    public async ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        if (outbound.IdempotencyKey is not { } key) return true;
        var now = time.GetUtcNow();
        var (claim, replay) = await store.ClaimAsync(outbound.TenantId, key, outbound.Audit.RequestDigest, Timestamps.Format(now),
            Timestamps.Format(now - options.Value.Ttl), options.Value.MaxBytesPerTenant, ct);
        switch (claim)
        {
            case IdempotencyStore.ClaimResult.Claimed:
                return true;
            case IdempotencyStore.ClaimResult.Replay:
                await audit.RecordAsync(outbound.Audit, outbound.TenantId, AuditEventTypes.ProxyCall, "idempotent_replay",
                    new AuditDetails(IntegrationId: outbound.ResolvedIntegration.Id, Operation: outbound.ResolvedOperation.Name, Detail: "replayed the first answer"));
                outbound.Envelope = replay;
                outbound.Replayed = true;
                return false;
            case IdempotencyStore.ClaimResult.Mismatch:
                throw new ApiException(422, ProblemCodes.IdempotencyConflict, "This Idempotency-Key was used with a different request.", Header);
            case IdempotencyStore.ClaimResult.InProgress:
                throw new ApiException(409, ProblemCodes.IdempotencyConflict, "A request with this Idempotency-Key is still in progress.", Header) { RetryAfter = TimeSpan.FromSeconds(1) };
            default:
                throw new ApiException(429, ProblemCodes.IdempotencyQuotaExceeded,
                    "This tenant's stored idempotent answers are at their limit; retry without Idempotency-Key or after older keys expire.", Header)
                    { RetryAfter = TimeSpan.FromMinutes(1) };
        }
    }

    public Task CompleteAsync(OutboundCall outbound) =>
        outbound.IdempotencyKey is { } key && !outbound.Replayed && outbound.Envelope is { } answer
            ? store.CompleteAsync(outbound.TenantId, key, 200, answer, CancellationToken.None)
            : Task.CompletedTask;

    /// <summary>Releases the claim of a call that failed after claiming it (Okta, the audit, the client leaving).</summary>
    public Task AbandonAsync(OutboundCall outbound, bool claimed) =>
        claimed && outbound.IdempotencyKey is { } key ? store.ReleaseAsync(outbound.TenantId, key, CancellationToken.None) : Task.CompletedTask;
}
