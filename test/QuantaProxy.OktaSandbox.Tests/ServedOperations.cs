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
    ];
}
