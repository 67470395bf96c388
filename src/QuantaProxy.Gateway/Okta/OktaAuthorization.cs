namespace QuantaProxy.Gateway.Okta;

/// <summary>Produces the <c>Authorization</c> header of one attempt from the integration's credential.</summary>
public static class OktaAuthorization
{
    internal static ValueTask<string> AuthorizationAsync(OktaCallContext context, OktaCredential credential, ValidatedOktaRequest request, CancellationToken ct)
    {
        _ = context;
        _ = request;
        ct.ThrowIfCancellationRequested();
        return credential.CredentialType switch
        {
            OktaCredential.ApiKey => ValueTask.FromResult(credential.SswsAuthorization()),
            // Okta's org authorization server (the one that issues okta.* scopes) accepts only private_key_jwt for service apps.
            OktaCredential.OAuth2Client => throw new OktaCallException("okta_auth_failed",
                "An oauth2_client (client_secret) credential cannot obtain Okta Management scopes from the org authorization server; use private_key_jwt or api_key."),
            _ => throw new OktaCallException("okta_auth_failed", "private_key_jwt credentials are not enabled in this gateway build; use api_key."),
        };
    }

}
