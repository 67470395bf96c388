using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// The token handler the <c>AgentToken</c> JWT bearer scheme uses: it finds the trusted issuer the token claims (by its
/// unverified <c>iss</c> and <c>aud</c>, only to choose the keys), then lets <see cref="JsonWebTokenHandler"/> verify it
/// against that issuer's published keys, audience, allowed algorithms and lifetime. Nothing of the token is believed
/// before that verification succeeds.
/// </summary>
public sealed class AgentTokenValidator(TrustedIssuerRegistry registry, IOptions<AgentOptions> options, TimeProvider time) : TokenHandler
{
    public const string TrustedIssuerClaim = "qp:trusted_issuer_id";
    public const int MaxTokenLength = 16 * 1024;
    private readonly JsonWebTokenHandler _jwt = new() { MapInboundClaims = false };

    public override SecurityToken ReadToken(string token) => _jwt.ReadToken(token);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        try
        {
            return await ValidateCoreAsync(token);
        }
        catch (AgentTokenException e)
        {
            return new TokenValidationResult { IsValid = false, Exception = e };
        }
    }

    private async Task<TokenValidationResult> ValidateCoreAsync(string token)
    {
        if (token.Length > MaxTokenLength) throw new AgentTokenException("The token is too long.");
        JsonWebToken unverified;
        try
        {
            unverified = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            throw new AgentTokenException("The token is not a signed JWT.");
        }
        if (unverified.Alg is not { } alg || !TokenShapes.Algorithms.Contains(alg))
            throw new AgentTokenException("The token's algorithm is not accepted (RS256, ES256 or PS256 only).");
        var candidates = await registry.FindAsync(unverified.Issuer ?? "", CancellationToken.None);
        if (candidates.Count == 0) throw new AgentTokenException("The token's issuer is not trusted.");
        var audiences = unverified.Audiences.ToHashSet(StringComparer.Ordinal);
        var matching = candidates.Where(c => audiences.Contains(c.Audience)).ToList();
        if (matching.Count != 1) throw new AgentTokenException(matching.Count == 0 ? "The token's audience is not the one trusted for its issuer." : "The token names several trusted audiences.");
        var record = matching[0];
        if (!record.Algorithms.Contains(alg, StringComparer.Ordinal)) throw new AgentTokenException("The token's algorithm is not allowed for its issuer.");

        var metadata = registry.MetadataFor(record.Issuer);
        Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await metadata.GetConfigurationAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or TaskCanceledException or ArgumentException)
        {
            throw new AgentTokenException("The issuer's keys could not be fetched; try again later.");
        }
        // The metadata must describe the issuer it was fetched for, or its keys could vouch for another issuer's tokens.
        if (!string.Equals(configuration.Issuer, record.Issuer, StringComparison.Ordinal))
            throw new AgentTokenException("The issuer's metadata names another issuer.");

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = record.Issuer,
            ValidAudience = record.Audience,
            ValidAlgorithms = record.Algorithms,
            ConfigurationManager = metadata,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = options.Value.ClockSkew,
            // The gateway's one clock: lifetimes are judged by the same time as delegations, approvals and caches.
            LifetimeValidator = (notBefore, expires, _, p) => CheckLifetime(notBefore, expires, p.ClockSkew, time.GetUtcNow().UtcDateTime),
            // Keys are chosen by kid only; an unknown kid refreshes the keys (bounded) instead of trying every key.
            TryAllIssuerSigningKeys = false,
        };
        var result = await _jwt.ValidateTokenAsync(token, parameters);
        if (!result.IsValid) throw new AgentTokenException(Describe(result.Exception));
        if (result.SecurityToken is not JsonWebToken verified || !string.Equals(verified.Issuer, record.Issuer, StringComparison.Ordinal))
            throw new AgentTokenException("The token's issuer is not trusted.");
        result.ClaimsIdentity.AddClaim(new Claim(TrustedIssuerClaim, record.Id));
        return result;
    }

    /// <summary>The library's own rule (exp required, nbf honoured, skew both ways) on the gateway's clock instead of the machine's.</summary>
    private static bool CheckLifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew, DateTime now)
    {
        if (expires is not { } exp) throw new SecurityTokenNoExpirationException("The token has no expiry.");
        if (exp.ToUniversalTime() + skew <= now) throw new SecurityTokenExpiredException("The token has expired.") { Expires = exp };
        if (notBefore is { } nbf && nbf.ToUniversalTime() - skew > now) throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = nbf };
        return true;
    }

    private static string Describe(Exception? e) => e switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        SecurityTokenInvalidAudienceException => "The token's audience is not accepted.",
        SecurityTokenInvalidIssuerException => "The token's issuer is not trusted.",
        SecurityTokenInvalidAlgorithmException => "The token's algorithm is not allowed for its issuer.",
        SecurityTokenSignatureKeyNotFoundException => "The token is signed with a key its issuer does not publish.",
        SecurityTokenInvalidSignatureException => "The token's signature is not valid.",
        _ => "The token is not valid.",
    };
}
