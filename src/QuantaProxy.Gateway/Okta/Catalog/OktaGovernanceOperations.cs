using static QuantaProxy.Gateway.Okta.Catalog.OktaQueryParameter;

namespace QuantaProxy.Gateway.Okta.Catalog;

/// <summary>
/// The governance reads of the catalog: who holds which admin role, which policies, grants, hooks, authorization servers,
/// trusted origins, group rules, network zones, identity providers and authenticators the org has. All are reads
/// (idempotent); those Okta pages with <c>Link: rel="next"</c> are also paginated. The IAM listings (custom roles,
/// resource sets) page inside their body (<c>_links.next</c>), so they take <c>after</c> but are not marked paginated.
/// Scopes and query parameters are Okta's (checked against its OpenAPI description by OktaCatalogConformanceTests).
/// </summary>
internal static class OktaGovernanceOperations
{
    /// <summary>Okta's <c>PolicyType</c> enum (the required <c>type</c> of <c>GET /api/v1/policies</c>).</summary>
    public static readonly IReadOnlyList<string> PolicyTypes =
    [
        "ACCESS_POLICY", "ENTITY_RISK", "IDP_DISCOVERY", "MFA_ENROLL", "OKTA_SIGN_ON", "PASSWORD", "POST_AUTH_SESSION",
        "PROFILE_ENROLLMENT", "DEVICE_SIGNAL_COLLECTION", "SESSION_VIOLATION_DETECTION", "CLIENT_UPDATE", "IDENTITY_CLAIM_SOURCING",
    ];

    /// <summary>Okta's <c>IdentityProviderType</c> enum (the <c>type</c> filter of <c>GET /api/v1/idps</c>).</summary>
    public static readonly IReadOnlyList<string> IdentityProviderTypes =
    [
        "AMAZON", "APPLE", "DISCORD", "FACEBOOK", "GITHUB", "GITLAB", "GOOGLE", "IDV_CLEAR", "IDV_INCODE", "IDV_PERSONA", "IDV_STANDARD",
        "LINKEDIN", "LOGINGOV", "LOGINGOV_SANDBOX", "MICROSOFT", "OIDC", "OKTA_INTEGRATION", "PAYPAL", "PAYPAL_SANDBOX", "SALESFORCE",
        "SAML2", "SPOTIFY", "X509", "XERO", "YAHOO", "YAHOOJP",
    ];

    private static readonly IReadOnlyList<string> LifecycleStatuses = ["ACTIVE", "INACTIVE"];

    public static IEnumerable<OktaOperation> Build()
    {
        var get = HttpMethod.Get;
        const OktaOperationTraits read = OktaOperationTraits.Idempotent;
        const OktaOperationTraits list = OktaOperationTraits.Idempotent | OktaOperationTraits.Paginated;
        string[] roles = [OktaScopes.RolesRead];

        // Admin role assignments of users, groups and clients (service apps); Okta answers these in one page.
        yield return new("list_user_roles", get, "/api/v1/users/{userId}/roles", roles, read);
        yield return new("get_user_role", get, "/api/v1/users/{userId}/roles/{roleAssignmentId}", roles, read);
        yield return new("list_group_roles", get, "/api/v1/groups/{groupId}/roles", roles, read);
        yield return new("get_group_role", get, "/api/v1/groups/{groupId}/roles/{roleAssignmentId}", roles, read);
        yield return new("list_client_roles", get, "/oauth2/v1/clients/{clientId}/roles", roles, read);
        yield return new("get_client_role", get, "/oauth2/v1/clients/{clientId}/roles/{roleAssignmentId}", roles, read);
        // Custom roles and resource sets (IAM): paged in the body, so after is accepted but next_cursor stays empty.
        yield return new("list_custom_roles", get, "/api/v1/iam/roles", roles, read, [Cursor()]);
        yield return new("get_custom_role", get, "/api/v1/iam/roles/{roleIdOrLabel}", roles, read);
        yield return new("list_resource_sets", get, "/api/v1/iam/resource-sets", roles, read, [Cursor()]);
        yield return new("get_resource_set", get, "/api/v1/iam/resource-sets/{resourceSetIdOrLabel}", roles, read);

        string[] policies = [OktaScopes.PoliciesRead];
        yield return new("list_policies", get, "/api/v1/policies", policies, list,
            [Choice("type", PolicyTypes, required: true), Choice("status", LifecycleStatuses), Text("q", 256), Limit(200), Cursor()]);
        yield return new("get_policy", get, "/api/v1/policies/{policyId}", policies, read);
        yield return new("list_policy_rules", get, "/api/v1/policies/{policyId}/rules", policies, read);

        // Consent grants: an app's (its own scope, okta.appGrants.read) and a user's (okta.users.read).
        yield return new("list_app_grants", get, "/api/v1/apps/{appId}/grants", [OktaScopes.AppGrantsRead], read);
        yield return new("list_user_grants", get, "/api/v1/users/{userId}/grants", [OktaScopes.UsersRead], list,
            [Text("scope_id", 100, "scopeId"), Limit(200), Cursor()]);

        string[] hooks = [OktaScopes.EventHooksRead];
        yield return new("list_event_hooks", get, "/api/v1/eventHooks", hooks, read);
        yield return new("get_event_hook", get, "/api/v1/eventHooks/{eventHookId}", hooks, read);

        string[] servers = [OktaScopes.AuthorizationServersRead];
        yield return new("list_authorization_servers", get, "/api/v1/authorizationServers", servers, list, [Text("q", 256), Limit(200), Cursor()]);
        yield return new("get_authorization_server", get, "/api/v1/authorizationServers/{authServerId}", servers, read);
        yield return new("list_authorization_server_policies", get, "/api/v1/authorizationServers/{authServerId}/policies", servers, read);

        string[] origins = [OktaScopes.TrustedOriginsRead];
        yield return new("list_trusted_origins", get, "/api/v1/trustedOrigins", origins, list, [Text("q", 256), Text("filter"), Limit(200), Cursor()]);
        yield return new("get_trusted_origin", get, "/api/v1/trustedOrigins/{trustedOriginId}", origins, read);

        string[] groups = [OktaScopes.GroupsRead];
        yield return new("list_group_rules", get, "/api/v1/groups/rules", groups, list, [Text("search", 256), Limit(200), Cursor()]);
        yield return new("get_group_rule", get, "/api/v1/groups/rules/{groupRuleId}", groups, read);

        string[] zones = [OktaScopes.NetworkZonesRead];
        yield return new("list_network_zones", get, "/api/v1/zones", zones, list, [Text("filter"), Limit(1000), Cursor()]);
        yield return new("get_network_zone", get, "/api/v1/zones/{zoneId}", zones, read);

        string[] idps = [OktaScopes.IdpsRead];
        yield return new("list_identity_providers", get, "/api/v1/idps", idps, list,
            [Text("q", 256), Choice("type", IdentityProviderTypes), Limit(200), Cursor()]);
        yield return new("get_identity_provider", get, "/api/v1/idps/{idpId}", idps, read);

        string[] authenticators = [OktaScopes.AuthenticatorsRead];
        yield return new("list_authenticators", get, "/api/v1/authenticators", authenticators, read);
        yield return new("get_authenticator", get, "/api/v1/authenticators/{authenticatorId}", authenticators, read);
    }
}
