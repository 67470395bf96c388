using QuantaProxy.Crypto.Formats;

namespace QuantaProxy.Gateway.Audit;

/// <summary>
/// Per-request audit state: the event id (known before the answer is sealed, because the envelope carries it), the digest
/// of the payload as received, the tenant once resolved, and whether the request's event has been stored.
/// </summary>
public sealed class AuditContext(string eventId)
{
    private static readonly object Key = new();

    public string EventId { get; } = eventId;
    public string? TenantId { get; set; }
    public string RequestDigest { get; set; } = "";
    public bool Recorded { get; set; }
    /// <summary>The Okta user id of the person a verified agent acts for, once the delegation check has established it.</summary>
    public string? OnBehalfOf { get; set; }
    /// <summary>Facts every event of this request carries in its detail (the delegation used, the act chain).</summary>
    public string? DetailSuffix { get; set; }

    public static AuditContext Begin(HttpContext context, TimeProvider time)
    {
        var audit = new AuditContext(PrefixedId.New(PrefixedId.AuditEvent, time.GetUtcNow()));
        context.Items[Key] = audit;
        return audit;
    }

    public static AuditContext? Get(HttpContext context) => context.Items.TryGetValue(Key, out var v) ? v as AuditContext : null;
}
