using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Tenants;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Audit;

/// <summary>
/// Turns what a request did into its chain event and waits until it is durable (fail closed). Events go only into the
/// chains of tenants that exist: the admin key names tenants by id, and a well-formed id of no tenant must be a 404,
/// not a new chain (the hostile-input sweep found reads answering 200 and starting one).
/// </summary>
public sealed class AuditRecorder(AuditAppender appender, TenantDirectory tenants, TimeProvider time)
{
    /// <summary>
    /// The chain of changes that belong to no tenant (global admin keys, tenant creation intents). Not a tenant id
    /// (those are <c>ten_</c> + ULID), so no tenant can read or collide with it; the global admin key reads it.
    /// </summary>
    public const string SystemChain = "system";

    public Task<string> RecordAsync(HttpContext http, string tenantId, string type, string outcome, AuditDetails details = default) =>
        RecordAsync(Scope(http), tenantId, type, outcome, details);

    /// <summary>
    /// Records the call's own event (once per call) and waits until it is durable. Takes the call's audit scope, not its
    /// HTTP request, so a call can be recorded from any front door or after it was resumed (an approval).
    /// </summary>
    public async Task<string> RecordAsync(AuditContext audit, string tenantId, string type, string outcome, AuditDetails details = default)
    {
        if (audit.Recorded) throw new InvalidOperationException("This request's audit event is already recorded.");
        // Not the request's token: a request whose client left is still recorded.
        await RequireTenantAsync(tenantId, CancellationToken.None);
        audit.TenantId = tenantId;
        await appender.AppendAsync(Build(audit, tenantId, audit.EventId, type, outcome, details), CancellationToken.None);
        audit.Recorded = true;
        return audit.EventId;
    }

    public Task<string> RecordIntentAsync(HttpContext http, string tenantId, string type, AuditDetails details) => RecordIntentAsync(Scope(http), tenantId, type, details);

    /// <summary>
    /// Records, durably and before a change is made, that the request is about to make it: with the request's own event
    /// (written after the change) no change can exist without an event, whichever write fails.
    /// </summary>
    public Task<string> RecordIntentAsync(AuditContext audit, string tenantId, string type, AuditDetails details)
    {
        var intent = details with { Detail = string.IsNullOrEmpty(details.Detail) ? $"call_event={audit.EventId}" : $"call_event={audit.EventId};{details.Detail}" };
        return RecordExtraAsync(audit, tenantId, PrefixedId.New(PrefixedId.AuditEvent, time.GetUtcNow()), type, "intent", intent);
    }

    /// <summary>
    /// A separate event of a request; also of one that has no audit scope of its own (an anonymous sign-in callback that
    /// has just verified who is signing in), whose actor is then the caller it established.
    /// </summary>
    public Task<string> RecordExtraAsync(HttpContext http, string tenantId, string eventId, string type, string outcome, AuditDetails details) =>
        RecordExtraAsync(AuditContext.Get(http) ?? new AuditContext(eventId) { Actor = Auth.CallerContext.Find(http)?.ApiKeyId ?? "" }, tenantId, eventId, type, outcome, details);

    /// <summary>Records a separate event (e.g. <c>proxy.intent</c> before a mutating call) with its own id.</summary>
    public async Task<string> RecordExtraAsync(AuditContext audit, string tenantId, string eventId, string type, string outcome, AuditDetails details)
    {
        await RequireTenantAsync(tenantId, CancellationToken.None);
        await appender.AppendAsync(Build(audit, tenantId, eventId, type, outcome, details), CancellationToken.None);
        return eventId;
    }

    private static AuditContext Scope(HttpContext http) => AuditContext.Get(http) ?? throw new InvalidOperationException("Audit context missing.");

    private async ValueTask RequireTenantAsync(string tenantId, CancellationToken ct)
    {
        if (tenantId == SystemChain) return;
        if (!await tenants.ExistsAsync(tenantId, ct)) throw ApiException.NotFound("Tenant");
    }

    private PendingAuditEvent Build(AuditContext audit, string tenantId, string eventId, string type, string outcome, AuditDetails details) => new()
    {
        EventId = eventId,
        TenantId = tenantId,
        OccurredAt = Timestamps.Format(time.GetUtcNow()),
        Type = type,
        Actor = AuditText.Escape(audit.Actor),
        // Only a verified credential can name a person acted for; nothing a caller asserts in a header or body does.
        OnBehalfOf = AuditText.Escape(audit.OnBehalfOf),
        IntegrationId = AuditText.Escape(details.IntegrationId ?? ""),
        Operation = AuditText.Escape(details.Operation ?? ""),
        Outcome = outcome,
        UpstreamStatus = details.UpstreamStatus ?? "",
        UpstreamRequestId = AuditText.Escape(details.UpstreamRequestId ?? ""),
        RequestDigest = audit.RequestDigest,
        ResponseDigest = details.ResponseDigest ?? "",
        Detail = AuditText.Escape(WithSuffix(details.Detail, audit.DetailSuffix)),
    };

    private static string WithSuffix(string? detail, string? suffix) =>
        string.IsNullOrEmpty(suffix) ? detail ?? "" : string.IsNullOrEmpty(detail) ? suffix : $"{detail};{suffix}";

    /// <summary>
    /// Records an event no caller's request made (an Okta event hook delivery, the System Log backfill): the actor names
    /// the source, and the person is the one Okta's event names.
    /// </summary>
    public async Task<string> RecordSystemAsync(string tenantId, string type, string outcome, string actor, string onBehalfOf, AuditDetails details)
    {
        await RequireTenantAsync(tenantId, CancellationToken.None);
        var eventId = PrefixedId.New(PrefixedId.AuditEvent, time.GetUtcNow());
        await appender.AppendAsync(new PendingAuditEvent
        {
            EventId = eventId,
            TenantId = tenantId,
            OccurredAt = Timestamps.Format(time.GetUtcNow()),
            Type = type,
            Actor = AuditText.Escape(actor),
            OnBehalfOf = AuditText.Escape(onBehalfOf),
            IntegrationId = AuditText.Escape(details.IntegrationId ?? ""),
            Operation = AuditText.Escape(details.Operation ?? ""),
            Outcome = outcome,
            UpstreamStatus = details.UpstreamStatus ?? "",
            UpstreamRequestId = AuditText.Escape(details.UpstreamRequestId ?? ""),
            RequestDigest = "",
            ResponseDigest = "",
            Detail = AuditText.Escape(details.Detail ?? ""),
        }, CancellationToken.None);
        return eventId;
    }
}

public readonly record struct AuditDetails(
    string? IntegrationId = null,
    string? Operation = null,
    string? UpstreamStatus = null,
    string? UpstreamRequestId = null,
    string? ResponseDigest = null,
    string? Detail = null);
