using System.Text.Json;
using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>Turns Okta's well-known refusals into one actionable sentence for the caller (inside the envelope).</summary>
internal static class OktaHints
{
    public static string? For(OktaOperation operation, OktaAttempt attempt)
    {
        if (attempt.Status < 400) return null;
        if (attempt.FromTokenEndpoint) return TokenEndpointHint(operation, attempt);
        var authenticate = string.Join(", ", attempt.Headers.WWWAuthenticate.ToArray());
        if (authenticate.Contains("insufficient_scope", StringComparison.Ordinal))
            return $"Okta refused the token's scopes: grant the service app the scope {string.Join(" and ", operation.RequiredScopes)}.";
        if (authenticate.Contains("invalid_dpop_proof", StringComparison.Ordinal))
            return "Okta refused the DPoP proof; check the gateway's clock and the service app's DPoP setting.";
        if (authenticate.Contains("invalid_token", StringComparison.Ordinal))
            return "Okta refused the access token (invalid_token); check the service app and its key.";
        return ErrorCode(attempt.Body.Span) switch
        {
            "E0000011" => "Okta rejected the API token (E0000011): it is invalid, expired or revoked; seal a new token in this integration's credential.",
            "E0000047" => "Okta's rate limit for this endpoint is spent (E0000047); retry after the reset time in rate_limit.",
            "E0000006" => $"The token's admin lacks permission for this call (E0000006); it needs {string.Join(" and ", operation.RequiredScopes)} and a matching admin role.",
            "E0000007" => "Okta found no such resource (E0000007); check the id in the payload.",
            "E0000001" => "Okta refused the input (E0000001); errorCauses in the body says which field.",
            "E0000038" => "Okta refused the call in the user's current status (E0000038 or lifecycle state); read the user first.",
            _ when attempt.Status == 401 => "Okta did not accept the integration's credential (401); check the token or service app.",
            _ when attempt.Status == 403 => $"Okta refused the call (403); the credential needs {string.Join(" and ", operation.RequiredScopes)}.",
            _ => null,
        };
    }

    private static string TokenEndpointHint(OktaOperation operation, OktaAttempt attempt) => StringMember(attempt.Body.Span, "error") switch
    {
        "invalid_client" => "Okta's token endpoint refused the service app (invalid_client): check the credential's client_id and, for private_key_jwt, "
                            + "that the public key matching its kid is registered with the app; for oauth2_client, the client secret and that the app authenticates with it (client_secret_basic).",
        "invalid_scope" => $"Okta's token endpoint refused the integration's scopes (invalid_scope): grant them to the service app on its Okta API Scopes tab; this call needs {string.Join(" and ", operation.RequiredScopes)}.",
        "invalid_dpop_proof" => "Okta's token endpoint refused the DPoP proof (invalid_dpop_proof): check the gateway's clock and the service app's DPoP setting.",
        "unauthorized_client" => "The service app may not use the client_credentials grant (unauthorized_client): enable it on the app.",
        { } error => $"Okta's token endpoint refused the request ({error}).",
        null => $"Okta's token endpoint refused the request ({attempt.Status}).",
    };

    private static string? ErrorCode(ReadOnlySpan<byte> body) => StringMember(body, "errorCode");

    private static string? StringMember(ReadOnlySpan<byte> body, string member)
    {
        if (body.IsEmpty || body.Length > 64 * 1024) return null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isCode = reader.ValueTextEquals(member);
                if (!reader.Read()) return null;
                if (isCode) return reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= 64 ? reader.GetString() : null;
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
