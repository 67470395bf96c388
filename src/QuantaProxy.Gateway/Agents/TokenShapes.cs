namespace QuantaProxy.Gateway.Agents;

/// <summary>How a trusted issuer's tokens name the agent and the person (see docs/agents.md).</summary>
public static class TokenShapes
{
    /// <summary>AGBAC: <c>sub</c> = the agent's client id, <c>act.sub</c> = the person's Okta user id.</summary>
    public const string Agbac = "agbac";
    /// <summary>RFC 8693 exchange: <c>sub</c> = the person's login, <c>uid</c> = their user id, <c>act.sub</c> = the agent.</summary>
    public const string TokenExchange = "token_exchange";
    /// <summary>Client credentials: the agent alone (<c>sub</c> = client id), no person.</summary>
    public const string AgentOnly = "agent_only";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Agbac, TokenExchange, AgentOnly };

    /// <summary>Asymmetric algorithms only: <c>none</c> and HMAC (which a public key could be abused to forge) are never accepted.</summary>
    public static readonly IReadOnlySet<string> Algorithms = new HashSet<string>(StringComparer.Ordinal) { "RS256", "ES256", "PS256" };
}
