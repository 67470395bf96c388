using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.Gateway.Okta.Authentication;

/// <summary>
/// The <c>private_key_jwt</c> client assertion (RFC 7523) Okta's org authorization server wants from a service app:
/// <c>iss = sub = client_id</c>, <c>aud</c> = the token endpoint, a short life well inside Okta's one-hour limit, and a
/// fresh <c>jti</c> for every token request, since Okta refuses a reused one.
/// </summary>
internal static class OktaClientAssertion
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string Create(OktaCredential credential, Uri tokenEndpoint, DateTimeOffset now)
    {
        using var key = ServiceAppSigningKey.Import(credential.PrivateKeyJwkJson);
        // Okta picks the app's public key by the header's kid, which the handler writes from the signing key.
        key.SecurityKey.KeyId = credential.KeyId ?? key.KeyId;
        var descriptor = new SecurityTokenDescriptor
        {
            SigningCredentials = new SigningCredentials(key.SecurityKey, key.Algorithm) { CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } },
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["iss"] = credential.ClientId!,
                ["sub"] = credential.ClientId!,
                ["aud"] = tokenEndpoint.AbsoluteUri,
                ["iat"] = now.ToUnixTimeSeconds(),
                ["exp"] = (now + Lifetime).ToUnixTimeSeconds(),
                ["jti"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24)),
            },
        };
        return Handler.CreateToken(descriptor);
    }
}
