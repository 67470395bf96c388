namespace QuantaProxy.OktaSandbox;

/// <summary>One Management API operation the sandbox serves and the OAuth 2.0 scope Okta requires for it.</summary>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="PathTemplate">Path as written in Okta's OpenAPI description, <c>{name}</c> standing for one path segment.</param>
/// <param name="Scope">The scope in that operation's <c>security: - oauth2: [...]</c>.</param>
public sealed record ManagementScope(string Method, string PathTemplate, string Scope);

/// <summary>
/// Which scope each Management operation needs when called with an OAuth access token, from Okta's
/// <c>management-minimal.yaml</c>. A token with <c>okta.X.manage</c> may also do what <c>okta.X.read</c> allows, as in Okta.
/// </summary>
public static class ManagementScopes
{
    public static IReadOnlyList<ManagementScope> All { get; } =
    [
        new("GET", "/api/v1/users", "okta.users.read"),
        new("POST", "/api/v1/users", "okta.users.manage"),
        new("GET", "/api/v1/users/{id}", "okta.users.read"),
        new("POST", "/api/v1/users/{id}", "okta.users.manage"),
        new("DELETE", "/api/v1/users/{id}", "okta.users.manage"),
        new("POST", "/api/v1/users/{id}/lifecycle/activate", "okta.users.manage"),
        new("POST", "/api/v1/users/{id}/lifecycle/deactivate", "okta.users.manage"),
        new("POST", "/api/v1/users/{id}/lifecycle/suspend", "okta.users.manage"),
        new("POST", "/api/v1/users/{id}/lifecycle/unsuspend", "okta.users.manage"),
        new("DELETE", "/api/v1/users/{userId}/sessions", "okta.users.manage"),
        new("GET", "/api/v1/users/{id}/groups", "okta.users.read"),
        new("GET", "/api/v1/users/{userId}/factors", "okta.users.read"),
        new("GET", "/api/v1/groups", "okta.groups.read"),
        new("GET", "/api/v1/groups/{groupId}", "okta.groups.read"),
        new("GET", "/api/v1/groups/{groupId}/users", "okta.groups.read"),
        new("PUT", "/api/v1/groups/{groupId}/users/{userId}", "okta.groups.manage"),
        new("DELETE", "/api/v1/groups/{groupId}/users/{userId}", "okta.groups.manage"),
        new("GET", "/api/v1/apps", "okta.apps.read"),
        new("GET", "/api/v1/apps/{appId}", "okta.apps.read"),
        new("GET", "/api/v1/apps/{appId}/users", "okta.apps.read"),
        new("DELETE", "/api/v1/apps/{appId}/users/{userId}", "okta.apps.manage"),
        new("GET", "/api/v1/logs", "okta.logs.read"),
        new("GET", "/api/v1/eventHooks", "okta.eventHooks.read"),
        new("POST", "/api/v1/eventHooks", "okta.eventHooks.manage"),
        new("GET", "/api/v1/eventHooks/{eventHookId}", "okta.eventHooks.read"),
        new("PUT", "/api/v1/eventHooks/{eventHookId}", "okta.eventHooks.manage"),
        new("DELETE", "/api/v1/eventHooks/{eventHookId}", "okta.eventHooks.manage"),
        new("POST", "/api/v1/eventHooks/{eventHookId}/lifecycle/activate", "okta.eventHooks.manage"),
        new("POST", "/api/v1/eventHooks/{eventHookId}/lifecycle/deactivate", "okta.eventHooks.manage"),
        new("POST", "/api/v1/eventHooks/{eventHookId}/lifecycle/verify", "okta.eventHooks.manage"),
        // Governance reads (Governance/).
        new("GET", "/api/v1/users/{userId}/roles", "okta.roles.read"),
        new("GET", "/api/v1/users/{userId}/roles/{roleAssignmentId}", "okta.roles.read"),
        new("GET", "/api/v1/groups/{groupId}/roles", "okta.roles.read"),
        new("GET", "/api/v1/groups/{groupId}/roles/{roleAssignmentId}", "okta.roles.read"),
        new("GET", "/oauth2/v1/clients/{clientId}/roles", "okta.roles.read"),
        new("GET", "/oauth2/v1/clients/{clientId}/roles/{roleAssignmentId}", "okta.roles.read"),
        new("GET", "/api/v1/iam/roles", "okta.roles.read"),
        new("GET", "/api/v1/iam/roles/{roleIdOrLabel}", "okta.roles.read"),
        new("GET", "/api/v1/iam/resource-sets", "okta.roles.read"),
        new("GET", "/api/v1/iam/resource-sets/{resourceSetIdOrLabel}", "okta.roles.read"),
        new("GET", "/api/v1/policies", "okta.policies.read"),
        new("GET", "/api/v1/policies/{policyId}", "okta.policies.read"),
        new("GET", "/api/v1/policies/{policyId}/rules", "okta.policies.read"),
        new("GET", "/api/v1/apps/{appId}/grants", "okta.appGrants.read"),
        new("GET", "/api/v1/users/{userId}/grants", "okta.users.read"),
        new("GET", "/api/v1/authorizationServers", "okta.authorizationServers.read"),
        new("GET", "/api/v1/authorizationServers/{authServerId}", "okta.authorizationServers.read"),
        new("GET", "/api/v1/authorizationServers/{authServerId}/policies", "okta.authorizationServers.read"),
        new("GET", "/api/v1/trustedOrigins", "okta.trustedOrigins.read"),
        new("GET", "/api/v1/trustedOrigins/{trustedOriginId}", "okta.trustedOrigins.read"),
        new("GET", "/api/v1/groups/rules", "okta.groups.read"),
        new("GET", "/api/v1/groups/rules/{groupRuleId}", "okta.groups.read"),
        new("GET", "/api/v1/zones", "okta.networkZones.read"),
        new("GET", "/api/v1/zones/{zoneId}", "okta.networkZones.read"),
        new("GET", "/api/v1/idps", "okta.idps.read"),
        new("GET", "/api/v1/idps/{idpId}", "okta.idps.read"),
        new("GET", "/api/v1/authenticators", "okta.authenticators.read"),
        new("GET", "/api/v1/authenticators/{authenticatorId}", "okta.authenticators.read"),
    ];

    /// <summary>
    /// The operation a request is for, or null when the sandbox does not serve it (it then answers 404). Where templates
    /// overlap (<c>/groups/rules</c> and <c>/groups/{groupId}</c>), the one with more literal segments wins, as in routing.
    /// </summary>
    public static ManagementScope? Find(string method, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        ManagementScope? best = null;
        var bestLiterals = -1;
        foreach (var entry in All)
        {
            if (!string.Equals(entry.Method, method, StringComparison.OrdinalIgnoreCase) || !Matches(entry.PathTemplate, segments)) continue;
            var literals = entry.PathTemplate.Split('/', StringSplitOptions.RemoveEmptyEntries).Count(p => !p.StartsWith('{'));
            if (literals > bestLiterals) (best, bestLiterals) = (entry, literals);
        }
        return best;
    }

    /// <summary>Whether <paramref name="granted"/> allows what <paramref name="required"/> protects (<c>.manage</c> implies <c>.read</c>).</summary>
    public static bool IsSatisfiedBy(string required, IReadOnlyCollection<string> granted)
    {
        ArgumentNullException.ThrowIfNull(required);
        ArgumentNullException.ThrowIfNull(granted);
        if (granted.Contains(required)) return true;
        const string read = ".read";
        return required.EndsWith(read, StringComparison.Ordinal) && granted.Contains(string.Concat(required.AsSpan(0, required.Length - read.Length), ".manage"));
    }

    private static bool Matches(string template, string[] segments)
    {
        var parts = template.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != segments.Length) return false;
        for (var i = 0; i < parts.Length; i++)
        {
            var variable = parts[i].StartsWith('{') && parts[i].EndsWith('}');
            if (!variable && !string.Equals(parts[i], segments[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
