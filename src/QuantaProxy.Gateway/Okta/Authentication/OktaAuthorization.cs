using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Okta.Authentication;

/// <summary>The credential headers of one Okta request; <see cref="Token"/> is set when a service-app token was used.</summary>
internal readonly record struct OktaRequestCredentials(string Authorization, string? DpopProof, OktaAccessToken? Token);

/// <summary>Produces the credential headers of one attempt from the integration's credential.</summary>
public sealed class OktaAuthorization(OktaTokenProvider tokens, TimeProvider time)
{
    /// <param name="refused">The token Okta just answered 401 to, which must not be presented again.</param>
    internal async ValueTask<OktaRequestCredentials> ForAsync(OktaCallContext context, OktaCredentialLease lease, ValidatedOktaRequest request, OktaAccessToken? refused, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (refused is null && await tokens.TryGetCachedAsync(context, ct) is { } cached)
            return Present(context, request, cached);
        var credential = await lease.GetAsync(ct);
        switch (credential.CredentialType)
        {
            case OktaCredential.ApiKey:
                return new OktaRequestCredentials(credential.SswsAuthorization(), null, null);
            // A service app (private_key_jwt) or an OIN API service integration (client_secret_basic): both get okta.* scopes
            // from the org authorization server; if Okta refuses the secret for this client, its invalid_client is the answer.
            case OktaCredential.PrivateKeyJwt or OktaCredential.OAuth2Client:
                return Present(context, request, await tokens.GetAsync(context, credential, refused, ct));
            default:
                throw new OktaCallException("okta_auth_failed", "The integration's credential has a type Okta calls cannot use.") { MayHaveReachedOkta = false };
        }
    }

    private OktaRequestCredentials Present(OktaCallContext context, ValidatedOktaRequest request, OktaAccessToken token)
    {
        var (authorization, proof) = token.Present(request.Method.Method, DpopProofKey.TargetUri(context.OktaBaseUri, request.PathAndQuery), time.GetUtcNow());
        return new OktaRequestCredentials(authorization, proof, token);
    }
}
