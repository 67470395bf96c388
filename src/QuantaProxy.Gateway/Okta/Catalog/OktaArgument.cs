namespace QuantaProxy.Gateway.Okta.Catalog;

/// <summary>Where a validated argument goes in the Okta request.</summary>
public enum OktaArgumentLocation
{
    Path,
    Query,
    Body,
}

/// <summary>
/// One named argument of a validated call, typed: <see cref="string"/>, <see cref="long"/>, <see cref="bool"/>, or (for a
/// body record such as <c>profile</c>) a read-only dictionary of the same. This is what policies read as <c>context.args</c>;
/// secrets (a new user's password) are never among them.
/// </summary>
public sealed record OktaArgument(string Name, OktaArgumentLocation Location, object Value);
