namespace QuantaProxy.Gateway.Agents;

/// <summary>The person an agent acts for, as a verified token names them: an Okta user id, a login, or both.</summary>
public sealed record HumanIdentity(string? UserId, string? Login)
{
    /// <summary>What to look the person up by in Okta (the id when the token has one; Okta accepts either).</summary>
    public string LookupKey => UserId ?? Login ?? "";
}

/// <summary>
/// A caller established by a verified agent token: which trusted issuer (and so which tenant), which agent (the client id),
/// the person it acts for when the token names one, and the whole nested <c>act</c> chain for the record. Decisions use
/// only the top-level subject and the current actor (RFC 8693 §4.1); earlier actors are informational.
/// </summary>
public sealed record AgentIdentity(string TrustedIssuerId, string TenantId, string Issuer, string ClientId, string Shape, HumanIdentity? Human, IReadOnlyList<string> ActChain)
{
    /// <summary>The audit's <c>actor</c>: <c>agent:&lt;issuer&gt;|&lt;client_id&gt;</c>.</summary>
    public string Actor => $"agent:{Issuer}|{ClientId}";
}
