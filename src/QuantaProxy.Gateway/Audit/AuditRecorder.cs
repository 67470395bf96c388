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
    public const string OnBehalfOfHeader = "X-On-Behalf-Of";

    public async Task<string> RecordAsync(HttpContext http, string tenantId, string type, string outcome, AuditDetails details = default)
    {
        var audit = AuditContext.Get(http) ?? throw new InvalidOperationException("Audit context missing.");
        if (audit.Recorded) throw new InvalidOperationException("This request's audit event is already recorded.");
        await RequireTenantAsync(tenantId, http.RequestAborted);
        audit.TenantId = tenantId;
        await appender.AppendAsync(Build(http, tenantId, audit.EventId, type, outcome, details), CancellationToken.None);
        audit.Recorded = true;
        return audit.EventId;
    }

    /// <summary>Records a separate event (e.g. <c>proxy.intent</c> before a mutating call) with its own id.</summary>
    public async Task<string> RecordExtraAsync(HttpContext http, string tenantId, string eventId, string type, string outcome, AuditDetails details)
    {
        await RequireTenantAsync(tenantId, http.RequestAborted);
        await appender.AppendAsync(Build(http, tenantId, eventId, type, outcome, details), CancellationToken.None);
        return eventId;
    }

    private async ValueTask RequireTenantAsync(string tenantId, CancellationToken ct)
    {
        if (!await tenants.ExistsAsync(tenantId, ct)) throw ApiException.NotFound("Tenant");
    }

    private PendingAuditEvent Build(HttpContext http, string tenantId, string eventId, string type, string outcome, AuditDetails details) => new()
    {
        EventId = eventId,
        TenantId = tenantId,
        OccurredAt = Timestamps.Format(time.GetUtcNow()),
        Type = type,
        Actor = CallerContext.Find(http)?.ApiKeyId ?? "",
        OnBehalfOf = OnBehalfOf(http),
        IntegrationId = details.IntegrationId ?? "",
        Operation = details.Operation ?? "",
        Outcome = outcome,
        UpstreamStatus = details.UpstreamStatus ?? "",
        UpstreamRequestId = details.UpstreamRequestId ?? "",
        RequestDigest = AuditContext.Get(http)?.RequestDigest ?? "",
        ResponseDigest = details.ResponseDigest ?? "",
        Detail = details.Detail ?? "",
    };

    /// <summary>The agent or user a service acts for, when it says so: bounded and restricted to a safe alphabet.</summary>
    private static string OnBehalfOf(HttpContext http)
    {
        var values = http.Request.Headers[OnBehalfOfHeader];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]) || values[0]!.Length > 200) return "";
        foreach (var c in values[0]!)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '@' or ':' or '/' or '|')) return "";
        return values[0]!;
    }
}

public readonly record struct AuditDetails(
    string? IntegrationId = null,
    string? Operation = null,
    string? UpstreamStatus = null,
    string? UpstreamRequestId = null,
    string? ResponseDigest = null,
    string? Detail = null);
