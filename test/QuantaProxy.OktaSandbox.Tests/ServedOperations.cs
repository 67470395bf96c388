namespace QuantaProxy.OktaSandbox.Tests;

/// <summary>The Management operations the sandbox serves, as paths of Okta's OpenAPI description (method in lower case).</summary>
internal static class ServedOperations
{
    public static readonly (string Path, string Method)[] All =
    [
        ("/api/v1/users", "get"), ("/api/v1/users", "post"), ("/api/v1/users/{id}", "get"), ("/api/v1/users/{id}", "post"),
        ("/api/v1/users/{id}/lifecycle/deactivate", "post"), ("/api/v1/users/{id}/lifecycle/activate", "post"), ("/api/v1/users/{id}/lifecycle/suspend", "post"),
        ("/api/v1/users/{id}/lifecycle/unsuspend", "post"), ("/api/v1/users/{userId}/sessions", "delete"), ("/api/v1/users/{id}/groups", "get"),
        ("/api/v1/users/{userId}/factors", "get"), ("/api/v1/groups", "get"), ("/api/v1/groups/{groupId}", "get"), ("/api/v1/groups/{groupId}/users", "get"),
        ("/api/v1/groups/{groupId}/users/{userId}", "put"), ("/api/v1/groups/{groupId}/users/{userId}", "delete"), ("/api/v1/apps", "get"),
        ("/api/v1/apps/{appId}", "get"), ("/api/v1/apps/{appId}/users", "get"), ("/api/v1/logs", "get"),
        // Event hooks and the removals that emit hook events (EventHooks/).
        ("/api/v1/users/{id}", "delete"), ("/api/v1/apps/{appId}/users/{userId}", "delete"),
        ("/api/v1/eventHooks", "get"), ("/api/v1/eventHooks", "post"), ("/api/v1/eventHooks/{eventHookId}", "get"), ("/api/v1/eventHooks/{eventHookId}", "put"),
        ("/api/v1/eventHooks/{eventHookId}", "delete"), ("/api/v1/eventHooks/{eventHookId}/lifecycle/activate", "post"),
        ("/api/v1/eventHooks/{eventHookId}/lifecycle/deactivate", "post"), ("/api/v1/eventHooks/{eventHookId}/lifecycle/verify", "post"),
        // Governance reads (Governance/).
        ("/api/v1/users/{userId}/roles", "get"), ("/api/v1/users/{userId}/roles/{roleAssignmentId}", "get"), ("/api/v1/groups/{groupId}/roles", "get"),
        ("/api/v1/groups/{groupId}/roles/{roleAssignmentId}", "get"), ("/oauth2/v1/clients/{clientId}/roles", "get"),
        ("/oauth2/v1/clients/{clientId}/roles/{roleAssignmentId}", "get"), ("/api/v1/iam/roles", "get"), ("/api/v1/iam/roles/{roleIdOrLabel}", "get"),
        ("/api/v1/iam/resource-sets", "get"), ("/api/v1/iam/resource-sets/{resourceSetIdOrLabel}", "get"), ("/api/v1/policies", "get"),
        ("/api/v1/policies/{policyId}", "get"), ("/api/v1/policies/{policyId}/rules", "get"), ("/api/v1/apps/{appId}/grants", "get"),
        ("/api/v1/users/{userId}/grants", "get"), ("/api/v1/authorizationServers", "get"), ("/api/v1/authorizationServers/{authServerId}", "get"),
        ("/api/v1/authorizationServers/{authServerId}/policies", "get"), ("/api/v1/trustedOrigins", "get"), ("/api/v1/trustedOrigins/{trustedOriginId}", "get"),
        ("/api/v1/groups/rules", "get"), ("/api/v1/groups/rules/{groupRuleId}", "get"), ("/api/v1/zones", "get"), ("/api/v1/zones/{zoneId}", "get"),
        ("/api/v1/idps", "get"), ("/api/v1/idps/{idpId}", "get"), ("/api/v1/authenticators", "get"), ("/api/v1/authenticators/{authenticatorId}", "get"),
    ];
}
