namespace QuantaProxy.Gateway.Okta.Catalog;

/// <summary>Okta's OAuth 2.0 scope names, as its OpenAPI description spells them (a test checks each operation's against it).</summary>
public static class OktaScopes
{
    public const string UsersRead = "okta.users.read";
    public const string UsersManage = "okta.users.manage";
    public const string GroupsRead = "okta.groups.read";
    public const string GroupsManage = "okta.groups.manage";
    public const string AppsRead = "okta.apps.read";
    public const string LogsRead = "okta.logs.read";
    public const string RolesRead = "okta.roles.read";
    public const string PoliciesRead = "okta.policies.read";
    public const string AppGrantsRead = "okta.appGrants.read";
    public const string EventHooksRead = "okta.eventHooks.read";
    public const string AuthorizationServersRead = "okta.authorizationServers.read";
    public const string TrustedOriginsRead = "okta.trustedOrigins.read";
    public const string NetworkZonesRead = "okta.networkZones.read";
    public const string IdpsRead = "okta.idps.read";
    public const string AuthenticatorsRead = "okta.authenticators.read";

    private const string ReadSuffix = ".read";
    private const string ManageSuffix = ".manage";

    /// <summary>
    /// Whether <paramref name="granted"/> covers <paramref name="required"/>: the scope itself, or for <c>okta.X.read</c>
    /// also <c>okta.X.manage</c> (Okta's rule: a manage scope allows the reads of its resource).
    /// </summary>
    public static bool Covers(IReadOnlyCollection<string> granted, string required)
    {
        if (granted.Contains(required)) return true;
        return required.EndsWith(ReadSuffix, StringComparison.Ordinal)
               && granted.Contains(string.Concat(required.AsSpan(0, required.Length - ReadSuffix.Length), ManageSuffix));
    }
}
