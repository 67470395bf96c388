using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>
/// The two removals the sandbox adds to the Management API, each recording its System Log event: <c>DELETE /api/v1/users/{id}</c>
/// (Okta's two steps: a user not yet DEPROVISIONED is deactivated, a DEPROVISIONED one is deleted) and
/// <c>DELETE /api/v1/apps/{appId}/users/{userId}</c> (unassign a user from an app).
/// </summary>
internal static class DeprovisioningApi
{
    public static void Map(WebApplication app, OrgState org, OrgEvents events, TimeProvider clock)
    {
        app.MapDelete("/api/v1/users/{id}", (string id, HttpContext http) => DeleteUser(org, events, id, http, clock));
        app.MapDelete("/api/v1/apps/{appId}/users/{userId}", (string appId, string userId, HttpContext http) => Unassign(org, events, appId, userId, http));
    }

    private static IResult DeleteUser(OrgState org, OrgEvents events, string idOrLogin, HttpContext http, TimeProvider clock)
    {
        string eventType;
        JsonObject target;
        lock (org.Gate)
        {
            var user = org.Users.GetValueOrDefault(idOrLogin)
                       ?? org.Users.Values.FirstOrDefault(u => string.Equals(u["profile"]!["login"]!.GetValue<string>(), idOrLogin, StringComparison.OrdinalIgnoreCase));
            if (user is null) return OktaErrors.NotFound(Printable(idOrLogin), "User");
            target = SystemLogEvents.User(user);
            if (user["status"]!.GetValue<string>() != "DEPROVISIONED")
            {
                user["status"] = "DEPROVISIONED";
                user["statusChanged"] = OrgState.Time(clock.GetUtcNow());
                eventType = HookEventTypes.UserDeactivated;
            }
            else
            {
                var id = user["id"]!.GetValue<string>();
                org.Users.Remove(id);
                foreach (var members in org.GroupMembers.Values) members.Remove(id);
                foreach (var assigned in org.AppUsers.Values) assigned.Remove(id);
                eventType = HookEventTypes.UserDeleted;
            }
        }
        events.Record(http, eventType, [target]);
        return Results.NoContent();
    }

    private static IResult Unassign(OrgState org, OrgEvents events, string appId, string userId, HttpContext http)
    {
        JsonObject[] targets;
        lock (org.Gate)
        {
            if (!org.Apps.TryGetValue(appId, out var application)) return OktaErrors.NotFound(Printable(appId), "AppInstance");
            if (!org.AppUsers.TryGetValue(appId, out var assigned) || !assigned.Contains(userId) || !org.Users.TryGetValue(userId, out var user))
                return OktaErrors.NotFound(Printable(userId), "AppUser");
            assigned.Remove(userId);
            targets = [SystemLogEvents.User(user), SystemLogEvents.App(application)];
        }
        events.Record(http, HookEventTypes.AppUserRemoved, targets);
        return Results.NoContent();
    }

    private static string Printable(string id) => new(id.Take(128).Select(c => c is > ' ' and <= '~' ? c : '?').ToArray());
}
