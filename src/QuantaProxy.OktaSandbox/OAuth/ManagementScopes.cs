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
    ];

    /// <summary>The operation a request is for, or null when the sandbox does not serve it (it then answers 404).</summary>
    public static ManagementScope? Find(string method, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var entry in All)
            if (string.Equals(entry.Method, method, StringComparison.OrdinalIgnoreCase) && Matches(entry.PathTemplate, segments))
                return entry;
        return null;
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
