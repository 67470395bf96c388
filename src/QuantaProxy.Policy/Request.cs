using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy;

/// <summary>An authorization request: who (principal) does what (action) to which resource, with a context record.</summary>
public sealed class Request
{
    public Request(EntityUid principal, EntityUid action, EntityUid resource, RecordValue? context = null)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(resource);
        Principal = principal;
        Action = action;
        Resource = resource;
        Context = context ?? RecordValue.Empty;
    }

    public EntityUid Principal { get; }

    public EntityUid Action { get; }

    public EntityUid Resource { get; }

    public RecordValue Context { get; }
}
