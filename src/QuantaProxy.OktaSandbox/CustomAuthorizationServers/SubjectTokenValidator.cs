using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox.CustomAuthorizationServers;

/// <summary>The person an ID token presented for exchange names, or why it is refused (an <c>invalid_grant</c> description).</summary>
internal sealed record SubjectTokenOutcome(PersonSnapshot? Person, string? Failure)
{
    public static SubjectTokenOutcome Refused(string reason) => new(null, $"The 'subject_token' is invalid: {reason}");
}

/// <summary>
/// Checks the <c>subject_token</c> of a token exchange: an RS256 ID token signed by one of this org's custom authorization servers
/// (its current JWKS), unexpired, issued to the exchanging client, about a user who is still ACTIVE. The last check is what makes
/// deactivating or suspending a person stop agents from getting new tokens for them.
/// </summary>
internal sealed class SubjectTokenValidator(CustomServerSet servers, TimeProvider clock)
{
    /// <summary>Tolerance for clocks on exp and iat.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    public async Task<SubjectTokenOutcome> ValidateAsync(string subjectToken, string origin, CustomAuthorizationServer exchangingAt, string clientId)
    {
        var jwt = Jws.Parse(subjectToken);
        if (jwt is null) return SubjectTokenOutcome.Refused("it is not a JWT.");
        if (jwt.Alg != "RS256") return SubjectTokenOutcome.Refused("its alg is not RS256.");
        var issuer = Jws.StringClaim(jwt, "iss");
        var prefix = origin + "/oauth2/";
        var issuedBy = issuer is not null && issuer.StartsWith(prefix, StringComparison.Ordinal) ? servers.Find(issuer[prefix.Length..]) : null;
        if (issuedBy is null) return SubjectTokenOutcome.Refused("it was not issued by an authorization server of this org.");
        if (!await Jws.VerifiesAsync(jwt, issuedBy.Keys.PublicKeys(), ephemeralKeys: false)) return SubjectTokenOutcome.Refused("its signature does not verify.");

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (Jws.TimeClaim(jwt, "exp") is not { } exp) return SubjectTokenOutcome.Refused("it has no 'exp' claim.");
        if (exp + ClockSkew.TotalSeconds <= now) return SubjectTokenOutcome.Refused("it is expired.");
        if (Jws.TimeClaim(jwt, "iat") is { } iat && iat > now + ClockSkew.TotalSeconds) return SubjectTokenOutcome.Refused("it was issued in the future.");
        if (exchangingAt.RequireSubjectTokenIssuedToClient && !jwt.Audiences.Contains(clientId, StringComparer.Ordinal))
            return SubjectTokenOutcome.Refused("it was not issued to this client.");
        var subject = Jws.StringClaim(jwt, "sub");
        if (string.IsNullOrEmpty(subject)) return SubjectTokenOutcome.Refused("it has no 'sub' claim.");
        var person = OrgDirectory.Find(exchangingAt.Org, subject);
        if (person is null) return SubjectTokenOutcome.Refused("its subject is not a user of this org.");
        if (person.Status != "ACTIVE") return SubjectTokenOutcome.Refused("its subject is not an active user.");
        return new SubjectTokenOutcome(person, null);
    }
}
