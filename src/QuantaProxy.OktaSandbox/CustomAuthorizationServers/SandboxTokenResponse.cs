using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox;

/// <summary>A token endpoint's answer as <see cref="SandboxAgentClient"/> read it: the token, or Okta's OAuth error.</summary>
public sealed record SandboxTokenResponse(int Status, string? AccessToken, string? TokenType, long ExpiresIn, string? Scope, string? IssuedTokenType,
    string? IdToken, string? Error, string? ErrorDescription)
{
    public bool IsSuccess => Status == 200 && AccessToken is not null;

    /// <summary>The access token; throws with the OAuth error when there is none.</summary>
    public string EnsureAccessToken() =>
        IsSuccess ? AccessToken! : throw new InvalidOperationException($"token request failed: {Status} {Error}: {ErrorDescription}");

    internal static SandboxTokenResponse From(int status, JsonObject? body)
    {
        string? Text(string name) => body?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var expiresIn = body?["expires_in"] is JsonValue e && e.TryGetValue<long>(out var seconds) ? seconds : 0;
        return new SandboxTokenResponse(status, Text("access_token"), Text("token_type"), expiresIn, Text("scope"), Text("issued_token_type"),
            Text("id_token"), Text("error"), Text("error_description"));
    }
}
