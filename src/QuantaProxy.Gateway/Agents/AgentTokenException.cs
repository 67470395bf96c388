using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.Gateway.Agents;

/// <summary>Why an agent token or DPoP proof was refused, in words safe to show the caller (no token content).</summary>
public sealed class AgentTokenException(string message) : SecurityTokenValidationException(message);
