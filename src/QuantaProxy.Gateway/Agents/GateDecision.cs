using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Errors;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// What <see cref="DelegationGate"/> decided: allowed (<see cref="Refusal"/> null) or the refusal to answer, plus what the
/// request's audit events must say about both subjects (the person's Okta user id, the delegation and agent used).
/// </summary>
public sealed record GateDecision(ApiException? Refusal, string? OnBehalfOf, string? AuditDetail, string? DelegationId)
{
    public static readonly GateDecision NotAnAgent = new(null, null, null, null);

    public bool Allowed => Refusal is null;

    /// <summary>The agent's registration, once found.</summary>
    public string? AgentRecordId { get; init; }

    /// <summary>The person the agent acts for as Okta reported them, once the delegation check allowed the call.</summary>
    public OktaPerson? Person { get; init; }

    /// <summary>Makes every later event of the request name the person and carry the detail.</summary>
    public void Annotate(AuditContext audit)
    {
        if (OnBehalfOf is not null) audit.OnBehalfOf = OnBehalfOf;
        if (AuditDetail is not null) audit.DetailSuffix = AuditDetail;
    }
}
