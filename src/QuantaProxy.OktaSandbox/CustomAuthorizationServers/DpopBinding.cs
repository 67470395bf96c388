using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox.CustomAuthorizationServers;

/// <summary>
/// DPoP at a custom server's token endpoint: required when the app requires DPoP, and applied whenever the request carries a
/// proof (with the <c>use_dpop_nonce</c> round), so the token is bound with <c>cnf.jkt</c>.
/// </summary>
internal sealed class DpopBinding(DpopProofValidator proofs, DpopNonces nonces)
{
    /// <summary>The thumbprint to bind to (null with no refusal: a Bearer token), or the refusal to send.</summary>
    public async Task<(string? Jkt, IResult? Refusal)> CheckAsync(bool required, HttpContext http, string tokenEndpoint)
    {
        var header = http.Request.Headers["DPoP"];
        if (!required && header.Count == 0) return (null, null);
        var proof = await proofs.CheckAsync(header, new DpopExpectations("POST", tokenEndpoint, nonces));
        return proof.Kind switch
        {
            DpopOutcomeKind.Invalid => (null, OAuthResponse.Error(400, "invalid_dpop_proof", proof.Description!)),
            DpopOutcomeKind.NonceRequired => (null, OAuthResponse.Error(400, "use_dpop_nonce", proof.Description!, nonces.Current())),
            _ => (proof.Jkt, null),
        };
    }
}
