using System.Text.Json;

namespace QuantaProxy.Gateway.Okta;

/// <summary>Turns Okta's well-known refusals into one actionable sentence for the caller (inside the envelope).</summary>
internal static class OktaHints
{
    public static string? For(OktaOperation operation, OktaAttempt attempt)
    {
        if (attempt.Status < 400) return null;
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

    private static string? ErrorCode(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || body.Length > 64 * 1024) return null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isCode = reader.ValueTextEquals("errorCode");
                if (!reader.Read()) return null;
                if (isCode) return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
