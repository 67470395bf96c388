using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Hosting;
using QuantaProxy.Gateway.Tenants;

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

    public async Task<string> RecordAsync(HttpContext http, string tenantId, string type, string outcome, AuditDetails details = default)
    {
        var audit = AuditContext.Get(http) ?? throw new InvalidOperationException("Audit context missing.");
        if (audit.Recorded) throw new InvalidOperationException("This request's audit event is already recorded.");
        // Not the request's token: a request whose client left is still recorded.
        await RequireTenantAsync(tenantId, CancellationToken.None);
        audit.TenantId = tenantId;
        await appender.AppendAsync(Build(http, tenantId, audit.EventId, type, outcome, details), CancellationToken.None);
        audit.Recorded = true;
        return audit.EventId;
    }

    /// <summary>
    /// Records, durably and before a change is made, that the request is about to make it: with the request's own event
    /// (written after the change) no change can exist without an event, whichever write fails.
    /// </summary>
    public Task<string> RecordIntentAsync(HttpContext http, string tenantId, string type, AuditDetails details)
    {
        var audit = AuditContext.Get(http) ?? throw new InvalidOperationException("Audit context missing.");
        var intent = details with { Detail = string.IsNullOrEmpty(details.Detail) ? $"call_event={audit.EventId}" : $"call_event={audit.EventId};{details.Detail}" };
        return RecordExtraAsync(http, tenantId, PrefixedId.New(PrefixedId.AuditEvent, time.GetUtcNow()), type, "intent", intent);
    }

    /// <summary>Records a separate event (e.g. <c>proxy.intent</c> before a mutating call) with its own id.</summary>
    public async Task<string> RecordExtraAsync(HttpContext http, string tenantId, string eventId, string type, string outcome, AuditDetails details)
    {
        await RequireTenantAsync(tenantId, CancellationToken.None);
        await appender.AppendAsync(Build(http, tenantId, eventId, type, outcome, details), CancellationToken.None);
        return eventId;
    }

    private async ValueTask RequireTenantAsync(string tenantId, CancellationToken ct)
    {
        if (tenantId == SystemChain) return;
        if (!await tenants.ExistsAsync(tenantId, ct)) throw ApiException.NotFound("Tenant");
    }

    private PendingAuditEvent Build(HttpContext http, string tenantId, string eventId, string type, string outcome, AuditDetails details) => new()
    {
        EventId = eventId,
        TenantId = tenantId,
        OccurredAt = Timestamps.Format(time.GetUtcNow()),
        Type = type,
        Actor = AuditText.Escape(CallerContext.Find(http)?.ApiKeyId ?? ""),
        // Only a verified credential can name a person acted for (an agent token, confirmed by the delegation check);
        // nothing a caller asserts in a header or body does.
        OnBehalfOf = AuditText.Escape(AuditContext.Get(http)?.OnBehalfOf ?? ""),
        IntegrationId = AuditText.Escape(details.IntegrationId ?? ""),
        Operation = AuditText.Escape(details.Operation ?? ""),
        Outcome = outcome,
        UpstreamStatus = details.UpstreamStatus ?? "",
        UpstreamRequestId = AuditText.Escape(details.UpstreamRequestId ?? ""),
        RequestDigest = AuditContext.Get(http)?.RequestDigest ?? "",
        ResponseDigest = details.ResponseDigest ?? "",
        Detail = AuditText.Escape(WithSuffix(details.Detail, AuditContext.Get(http)?.DetailSuffix)),
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
