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

    /// <summary>Who acted, as established by a verified credential (the API key id today).</summary>
    public string Actor { get; set; } = "";

    /// <summary>
    /// The Okta user id of the person a verified agent acts for, once the delegation check has established it; empty
    /// otherwise (nothing a caller asserts can set it).
    /// </summary>
    public string OnBehalfOf { get; set; } = "";
    public bool Recorded { get; set; }
    /// <summary>Facts every event of this request carries in its detail (the delegation used, the act chain).</summary>
    public string? DetailSuffix { get; set; }

    public static AuditContext Begin(HttpContext context, TimeProvider time)
    {
        var audit = new AuditContext(PrefixedId.New(PrefixedId.AuditEvent, time.GetUtcNow()))
        {
            Actor = Auth.CallerContext.Find(context)?.ApiKeyId ?? "",
        };
        context.Items[Key] = audit;
        return audit;
    }

    /// <summary>The request's audit scope, with the digest of its body once the body has been read.</summary>
    public static AuditContext? Get(HttpContext context)
    {
        if (!context.Items.TryGetValue(Key, out var v) || v is not AuditContext audit) return null;
        if (Http.RequestDigest.Find(context) is { } digest) audit.RequestDigest = digest;
        return audit;
    }
}
