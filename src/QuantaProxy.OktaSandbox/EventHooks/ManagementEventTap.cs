using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>
/// Turns the Management API's successful lifecycle, session and group-membership changes into System Log events (and hook
/// deliveries). It watches requests rather than living in their handlers, so the Management API stays as it is: a change is
/// recorded only when the handler answered with success, and a group removal only when the user was a member.
/// </summary>
internal sealed class ManagementEventTap(OrgState org, OrgEvents events)
{
    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var watched = Watched(http.Request.Method, http.Request.Path.Value);
        if (watched is null)
        {
            await next(http);
            return;
        }
        var (eventType, userRef, groupId) = watched.Value;
        var wasMember = groupId is null || IsMember(groupId, userRef);
        await next(http);
        if (http.Response.StatusCode is < 200 or >= 300 || !wasMember) return;
        List<JsonObject> targets;
        lock (org.Gate)
        {
            var user = org.Users.GetValueOrDefault(userRef)
                       ?? org.Users.Values.FirstOrDefault(u => string.Equals(u["profile"]!["login"]!.GetValue<string>(), userRef, StringComparison.OrdinalIgnoreCase));
            if (user is null) return;
            targets = [SystemLogEvents.User(user)];
            if (groupId is not null && org.Groups.TryGetValue(groupId, out var group)) targets.Add(SystemLogEvents.Group(group));
        }
        events.Record(http, eventType, targets);
    }

    /// <summary>The event a request would cause, the user (id or login) and, for a membership removal, the group; null for others.</summary>
    private static (string EventType, string User, string? Group)? Watched(string method, string? path)
    {
        if (path is null || !path.StartsWith("/api/v1/", StringComparison.Ordinal)) return null;
        var s = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (method, s.Length, s.ElementAtOrDefault(2)) switch
        {
            ("POST", 6, "users") when s[4] == "lifecycle" && s[5] == "deactivate" => (HookEventTypes.UserDeactivated, s[3], null),
            ("POST", 6, "users") when s[4] == "lifecycle" && s[5] == "suspend" => (HookEventTypes.UserSuspended, s[3], null),
            ("DELETE", 5, "users") when s[4] == "sessions" => (HookEventTypes.SessionsCleared, s[3], null),
            ("DELETE", 6, "groups") when s[4] == "users" => (HookEventTypes.GroupMemberRemoved, s[5], s[3]),
            _ => null,
        };
    }

    private bool IsMember(string groupId, string userId)
    {
        lock (org.Gate) return org.GroupMembers.TryGetValue(groupId, out var members) && members.Contains(userId);
    }
}
