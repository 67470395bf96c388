namespace QuantaProxy.Gateway.Okta.Authentication;

/// <summary>
/// A service-app access token from Okta's org authorization server, with the DPoP key it is bound to (when Okta issued
/// a DPoP token). <see cref="ToString"/> never shows the token.
/// </summary>
internal sealed class OktaAccessToken
{
    /// <summary>Renew this long before Okta's expiry, so a token never dies in flight.</summary>
    public static readonly TimeSpan RenewalMargin = TimeSpan.FromSeconds(60);

    public OktaAccessToken(string value, DpopProofKey? dpopKey, DateTimeOffset issuedAt, TimeSpan lifetime)
    {
        Value = value;
        DpopKey = dpopKey;
        AccessTokenHash = dpopKey is null ? null : DpopProofKey.AccessTokenHash(value);
        ExpiresAt = issuedAt + lifetime;
        // A token living two minutes or less would never be usable with a fixed 60 s margin; renew it at half-life instead.
        RenewAt = ExpiresAt - (lifetime > 2 * RenewalMargin ? RenewalMargin : lifetime / 2);
    }

    public string Value { get; }
    public DpopProofKey? DpopKey { get; }
    public string? AccessTokenHash { get; }
    public DateTimeOffset ExpiresAt { get; }
    public DateTimeOffset RenewAt { get; }

    public bool UsableAt(DateTimeOffset now) => now < RenewAt;

    /// <summary>The headers of one resource request: <c>Authorization</c>, and a fresh <c>DPoP</c> proof for DPoP tokens.</summary>
    public (string Authorization, string? Proof) Present(string method, string targetUri, DateTimeOffset now) =>
        DpopKey is null
            ? ("Bearer " + Value, null)
            : ("DPoP " + Value, DpopKey.CreateProof(method, targetUri, now, nonce: null, AccessTokenHash));

    public override string ToString() => $"OktaAccessToken({(DpopKey is null ? "Bearer" : "DPoP")}, expires {ExpiresAt:O})";
}
