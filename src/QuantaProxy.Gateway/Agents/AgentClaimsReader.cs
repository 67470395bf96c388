using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// Reads the agent, the person and the <c>act</c> chain out of a verified token, by the shape its issuer was registered
/// with. A token that does not fit its shape is refused rather than guessed at.
/// </summary>
public static class AgentClaimsReader
{
    public const int MaxActDepth = 5;
    private const int MaxSubjectLength = 256;

    public static AgentIdentity Read(JsonWebToken verified, TrustedIssuerRecord issuer)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(verified.EncodedPayload), new JsonDocumentOptions { MaxDepth = 16 });
        var root = payload.RootElement;
        var sub = Text(root, "sub") ?? throw new AgentTokenException("The token has no sub.");
        var cid = Text(root, "cid");
        var chain = ActChain(root);
        string agent;
        HumanIdentity? human;
        switch (issuer.TokenShape)
        {
            case TokenShapes.Agbac:
                agent = sub;
                human = chain.Count == 0 ? null : chain[0].Contains('@', StringComparison.Ordinal) ? new HumanIdentity(null, chain[0]) : new HumanIdentity(chain[0], null);
                break;
            case TokenShapes.TokenExchange:
                if (chain.Count == 0) throw new AgentTokenException("A token-exchange token must name the agent in act.sub.");
                agent = chain[0];
                human = new HumanIdentity(Text(root, "uid"), sub);
                break;
            case TokenShapes.AgentOnly:
                if (chain.Count > 0) throw new AgentTokenException("This issuer's tokens name only an agent, but this one has an act claim.");
                agent = sub;
                human = null;
                break;
            default:
                throw new AgentTokenException("The issuer's token shape is unknown.");
        }
        // Okta puts the client the token was issued to in cid; it must be the agent the token names.
        if (cid is not null && !string.Equals(cid, agent, StringComparison.Ordinal)) throw new AgentTokenException("The token's cid is not its agent.");
        return new AgentIdentity(issuer.Id, issuer.TenantId, issuer.Issuer, agent, issuer.TokenShape, human, chain);
    }

    /// <summary>act.sub, then act.act.sub, …: the current actor first (RFC 8693 §4.1).</summary>
    private static List<string> ActChain(JsonElement root)
    {
        var chain = new List<string>();
        var current = root;
        while (current.TryGetProperty("act", out var act))
        {
            if (act.ValueKind != JsonValueKind.Object) throw new AgentTokenException("The token's act claim must be an object.");
            if (chain.Count == MaxActDepth) throw new AgentTokenException($"The token's act chain is deeper than {MaxActDepth}.");
            chain.Add(Text(act, "sub") ?? throw new AgentTokenException("The token's act claim has no sub."));
            current = act;
        }
        return chain;
    }

    private static string? Text(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.String) throw new AgentTokenException($"The token's {name} claim must be a string.");
        var text = value.GetString()!;
        if (text.Length is 0 or > MaxSubjectLength || text.Any(char.IsControl) || text.Contains('|', StringComparison.Ordinal))
            throw new AgentTokenException($"The token's {name} claim is empty, too long or has forbidden characters.");
        return text;
    }

    /// <summary>The RFC 7638 thumbprint the token is bound to (<c>cnf.jkt</c>), or null for a bearer token.</summary>
    public static string? BoundThumbprint(JsonWebToken verified)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(verified.EncodedPayload));
        if (!payload.RootElement.TryGetProperty("cnf", out var cnf)) return null;
        if (cnf.ValueKind != JsonValueKind.Object || !cnf.TryGetProperty("jkt", out var jkt) || jkt.ValueKind != JsonValueKind.String || jkt.GetString() is not { Length: > 0 and <= 128 } value)
            throw new AgentTokenException("The token's cnf claim has no usable jkt.");
        return value;
    }
}
