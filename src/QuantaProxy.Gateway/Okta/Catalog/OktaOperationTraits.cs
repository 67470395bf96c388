namespace QuantaProxy.Gateway.Okta.Catalog;

/// <summary>What a catalog operation does, named rather than passed as positional booleans.</summary>
[Flags]
public enum OktaOperationTraits
{
    None = 0,
    /// <summary>Sending it twice has the effect of sending it once, so a 5xx or transport failure may be retried.</summary>
    Idempotent = 1,
    /// <summary>It changes something in the org (an intent event is written before it is sent).</summary>
    Mutating = 2,
    /// <summary>It takes something away from a person (access, sessions, membership): the class policies gate hardest.</summary>
    Destructive = 4,
    /// <summary>It answers with Okta's cursor paging (<c>Link: rel="next"</c>).</summary>
    Paginated = 8,
}

/// <summary>The risk class of an operation, which policies see as the action groups read, write and destructive.</summary>
public enum OktaRiskClass
{
    Read,
    Write,
    Destructive,
}
