using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Integrations;

/// <summary>
/// Named allow-lists for <c>POST /api/v2/integrations</c> (<c>"profile"</c>), so a common integration is one call. The
/// operations are computed from the catalog, so a profile grows with it; the scopes are then derived as for any integration.
/// </summary>
public static class IntegrationProfiles
{
    /// <summary>Every read of the catalog (directory, System Log and governance reads) and nothing that changes the org.</summary>
    public const string GovernanceRead = "governance_read";

    public static IReadOnlyList<string> Names { get; } = [GovernanceRead];

    /// <exception cref="ApiException">400 naming <c>profile</c> when the name is not a profile.</exception>
    public static List<string> Operations(string profile) => profile switch
    {
        GovernanceRead => OktaOperationCatalog.Default.All.Where(o => o.Risk == OktaRiskClass.Read && !o.Mutating)
            .Select(o => o.Name).Order(StringComparer.Ordinal).ToList(),
        _ => throw ApiException.BadRequest($"profile must be one of: {string.Join(", ", Names)}.", "profile"),
    };
}
