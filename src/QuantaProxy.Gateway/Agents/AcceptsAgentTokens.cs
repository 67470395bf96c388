namespace QuantaProxy.Gateway.Agents;

/// <summary>Endpoint metadata: this endpoint accepts an agent token (Bearer or DPoP) instead of an API key. Only the proxy has it.</summary>
public sealed class AcceptsAgentTokens
{
    public static readonly AcceptsAgentTokens Instance = new();
}
