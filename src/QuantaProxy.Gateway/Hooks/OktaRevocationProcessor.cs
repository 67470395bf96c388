using QuantaProxy.Gateway.Agents;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Hooks;

/// <summary>
/// Applies Okta's revocation events: each event once (by uuid), in order of publication; the person is blocked (every
/// delegation, and through the group for a membership removal) and their own delegations suspended, in storage, so every
/// replica refuses from the next call. Nothing here restores: reactivation in Okta needs an explicit restore.
/// </summary>
public sealed class OktaRevocationProcessor(OktaHookStore hooks, DelegationStore delegations, OktaPersonDirectory people, AuditRecorder audit, TimeProvider time,
    ILogger<OktaRevocationProcessor> logger)
{
    public async Task<int> ApplyAsync(string tenantId, IEnumerable<OktaRevocationEvent> events, string source, CancellationToken ct)
    {
        var applied = 0;
        string? latest = null;
        foreach (var e in events.OrderBy(e => e.Published))
        {
            var published = Timestamps.Format(e.Published);
            if (latest is null || string.CompareOrdinal(published, latest) > 0) latest = published;
            var now = Timestamps.Format(time.GetUtcNow());
            if (!await hooks.TryRecordEventAsync(tenantId, e.Uuid, e.EventType, published, now, ct)) continue;
            await delegations.BlockPersonAsync(tenantId, e.UserId, "", e.EventType, e.Uuid, now, ct);
            if (e.GroupId is not null) await delegations.BlockPersonAsync(tenantId, e.UserId, e.GroupId, e.EventType, e.Uuid, now, ct);
            var suspended = await delegations.SuspendForPersonAsync(tenantId, e.UserId, $"Okta {e.EventType} ({e.Uuid})", now, ct);
            people.Forget(e.UserId);
            if (e.UserLogin.Length > 0) people.Forget(e.UserLogin);
            await audit.RecordSystemAsync(tenantId, AuditEventTypes.OktaRevocation, "suspended", source, e.UserId, new AuditDetails(
                Detail: $"event={e.EventType};uuid={e.Uuid};published={published};suspended={string.Join(' ', suspended)}" + (e.GroupId is null ? "" : $";group={e.GroupId}")));
            logger.LogInformation("Okta {EventType} for a person of tenant {TenantId}: {Count} delegations suspended", e.EventType, tenantId, suspended.Count);
            applied++;
        }
        if (latest is not null) await hooks.AdvanceAsync(tenantId, latest, ct);
        return applied;
    }
}
