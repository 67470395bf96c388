using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox;

/// <summary>The Management API subset of the operation catalog, with Okta's shapes, status codes, limits and Link paging.</summary>
internal static class ManagementApi
{
    public static void Map(WebApplication app, OrgState org, SandboxStats stats, TimeProvider clock)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/users", (HttpContext http) => DirectoryListings.Users(http, org));
        api.MapGet("/users/{id}", (string id) => WithUser(org, id, u => Results.Content(u.ToJsonString(), "application/json")));
        // The CancellationToken parameter keeps these lambdas off the RequestDelegate overload, which would drop the IResult.
        api.MapPost("/users", async (HttpContext http, CancellationToken _) => await CreateUserAsync(http, org, stats, clock));
        api.MapPost("/users/{id}", async (string id, HttpContext http, CancellationToken _) => await UpdateUserAsync(id, http, org, clock));
        api.MapPost("/users/{id}/lifecycle/{action}", (string id, string action, HttpContext http) => Lifecycle(org, id, action, http, clock));
        api.MapDelete("/users/{id}/sessions", (string id) => WithUser(org, id, _ => Results.NoContent()));
        api.MapGet("/users/{id}/groups", (string id, HttpContext http) => WithUser(org, id, u =>
            Page(http, org, () => org.Groups.Where(g => org.GroupMembers[g.Key].Contains(u["id"]!.GetValue<string>())).Select(g => (g.Key, g.Value)).ToList(), 200, 10000)));
        api.MapGet("/users/{id}/factors", (string id) => WithUser(org, id, u => Results.Content(new JsonArray(new JsonObject
        {
            ["id"] = "opf" + u["id"]!.GetValue<string>()[3..],
            ["factorType"] = "push",
            ["provider"] = "OKTA",
            ["vendorName"] = "OKTA",
            ["status"] = "ACTIVE",
            ["created"] = u["created"]!.DeepClone(),
            ["lastUpdated"] = u["lastUpdated"]!.DeepClone(),
            ["profile"] = new JsonObject { ["credentialId"] = u["profile"]!["login"]!.DeepClone(), ["deviceType"] = "SmartPhone_Android", ["name"] = "Pixel", ["platform"] = "ANDROID", ["version"] = "34" },
            ["_links"] = new JsonObject(),
        }).ToJsonString(), "application/json")));

        api.MapGet("/groups", (HttpContext http) => DirectoryListings.Groups(http, org));
        api.MapGet("/groups/{id}", (string id) => With(org, org.Groups, id, "UserGroup", g => Results.Content(g.ToJsonString(), "application/json")));
        api.MapGet("/groups/{id}/users", (string id, HttpContext http) => With(org, org.Groups, id, "UserGroup", _ =>
            Page(http, org, () => org.GroupMembers[id].Select(u => (u, org.Users[u])).ToList(), 1000, 1000)));
        api.MapPut("/groups/{groupId}/users/{userId}", (string groupId, string userId) => Membership(org, groupId, userId, add: true));
        api.MapDelete("/groups/{groupId}/users/{userId}", (string groupId, string userId) => Membership(org, groupId, userId, add: false));

        api.MapGet("/apps", (HttpContext http) => DirectoryListings.Apps(http, org));
        api.MapGet("/apps/{id}", (string id) => With(org, org.Apps, id, "AppInstance", a => Results.Content(a.ToJsonString(), "application/json")));
        api.MapGet("/apps/{id}/users", (string id, HttpContext http) => With(org, org.Apps, id, "AppInstance", _ =>
            Page(http, org, () => org.AppUsers[id].Select(u => (u, AppUser(org.Users[u]))).ToList(), 50, 500)));

        api.MapGet("/logs", (HttpContext http) => SystemLogQuery.List(http, org, clock));
    }

    /// <summary>A sub-collection (a group's members, an app's users, a user's groups): Okta pages these but has no query on them.</summary>
    private static IResult Page(HttpContext http, OrgState org, Func<List<(string Key, JsonObject Value)>> select, int defaultLimit, int maxLimit)
    {
        var limit = Paging.Limit(http, defaultLimit, maxLimit);
        if (limit is null) return OktaErrors.Invalid("limit: must be a positive integer");
        List<(string Key, JsonObject Value)> all;
        lock (org.Gate) all = select();
        return Paging.Page(http, org, all, limit.Value);
    }

    private static IResult WithUser(OrgState org, string idOrLogin, Func<JsonObject, IResult> then)
    {
        JsonObject? user;
        lock (org.Gate)
        {
            user = org.Users.GetValueOrDefault(idOrLogin)
                   ?? org.Users.Values.FirstOrDefault(u => string.Equals(u["profile"]!["login"]!.GetValue<string>(), idOrLogin, StringComparison.OrdinalIgnoreCase));
        }
        return user is null ? OktaErrors.NotFound(idOrLogin, "User") : then(user);
    }

    private static IResult With(OrgState org, SortedDictionary<string, JsonObject> items, string id, string type, Func<JsonObject, IResult> then)
    {
        JsonObject? item;
        lock (org.Gate) item = items.GetValueOrDefault(id);
        return item is null ? OktaErrors.NotFound(id, type) : then(item);
    }

    private static JsonObject AppUser(JsonObject user) => new()
    {
        ["id"] = user["id"]!.DeepClone(),
        ["scope"] = "USER",
        ["status"] = "ACTIVE",
        ["created"] = user["created"]!.DeepClone(),
        ["lastUpdated"] = user["lastUpdated"]!.DeepClone(),
        ["credentials"] = new JsonObject { ["userName"] = user["profile"]!["login"]!.DeepClone() },
        ["profile"] = new JsonObject(),
        ["_links"] = new JsonObject(),
    };

    private static async Task<IResult> CreateUserAsync(HttpContext http, OrgState org, SandboxStats stats, TimeProvider clock)
    {
        JsonObject? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonObject>(http.Request.Body);
        }
        catch (JsonException)
        {
            return OktaErrors.Error(400, "E0000003", "The request body was not well-formed.");
        }
        var profile = body?["profile"] as JsonObject;
        var login = profile?["login"]?.GetValue<string>();
        var email = profile?["email"]?.GetValue<string>();
        var causes = new List<string>();
        if (string.IsNullOrEmpty(login)) causes.Add("login: The field cannot be left blank");
        if (string.IsNullOrEmpty(email)) causes.Add("email: The field cannot be left blank");
        if (causes.Count > 0) return OktaErrors.Invalid([.. causes]);
        var activate = !string.Equals(http.Request.Query["activate"].FirstOrDefault(), "false", StringComparison.OrdinalIgnoreCase);
        JsonObject user;
        lock (org.Gate)
        {
            if (org.Users.Values.Any(u => string.Equals(u["profile"]!["login"]!.GetValue<string>(), login, StringComparison.OrdinalIgnoreCase)))
                return OktaErrors.Invalid("login: An object with this field already exists in the current organization");
            user = org.NewUser(login!, profile!["firstName"]?.GetValue<string>() ?? "", profile["lastName"]?.GetValue<string>() ?? "",
                activate ? "ACTIVE" : "STAGED", clock.GetUtcNow(), email, profile["mobilePhone"]?.GetValue<string>());
            org.Users[user["id"]!.GetValue<string>()] = user;
            org.GroupMembers[org.Groups.Keys.First()].Add(user["id"]!.GetValue<string>());
            user = (JsonObject)user.DeepClone();
        }
        stats.UserCreated();
        return Results.Content(user.ToJsonString(), "application/json");
    }

    private static async Task<IResult> UpdateUserAsync(string id, HttpContext http, OrgState org, TimeProvider clock)
    {
        JsonObject? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonObject>(http.Request.Body);
        }
        catch (JsonException)
        {
            return OktaErrors.Error(400, "E0000003", "The request body was not well-formed.");
        }
        return WithUser(org, id, user =>
        {
            lock (org.Gate)
            {
                if (body?["profile"] is JsonObject changes)
                    foreach (var (key, value) in changes) user["profile"]![key] = value?.DeepClone();
                user["lastUpdated"] = OrgState.Time(clock.GetUtcNow());
                return Results.Content(user.ToJsonString(), "application/json");
            }
        });
    }

    private static IResult Lifecycle(OrgState org, string id, string action, HttpContext http, TimeProvider clock) => WithUser(org, id, user =>
    {
        lock (org.Gate)
        {
            var status = user["status"]!.GetValue<string>();
            string? next = action switch
            {
                "activate" when status is "STAGED" or "PROVISIONED" or "DEPROVISIONED" => "ACTIVE",
                "deactivate" when status != "DEPROVISIONED" => "DEPROVISIONED",
                "suspend" when status == "ACTIVE" => "SUSPENDED",
                "unsuspend" when status == "SUSPENDED" => "ACTIVE",
                "activate" or "deactivate" or "suspend" or "unsuspend" => null,
                _ => "404",
            };
            if (next == "404") return OktaErrors.Error(404, "E0000022", "The endpoint does not support the provided HTTP method");
            if (next is null) return OktaErrors.Error(403, "E0000038", $"This operation is not allowed in the user's current status.");
            user["status"] = next;
            user["statusChanged"] = OrgState.Time(clock.GetUtcNow());
            if (action == "activate" && string.Equals(http.Request.Query["sendEmail"].FirstOrDefault(), "false", StringComparison.OrdinalIgnoreCase))
                return Results.Content(new JsonObject { ["activationUrl"] = $"{http.Request.Scheme}://{http.Request.Host}/welcome/XE6wE17zmphl3KqAPFxO", ["activationToken"] = "XE6wE17zmphl3KqAPFxO" }.ToJsonString(), "application/json");
            return Results.Content("{}", "application/json");
        }
    });

    private static IResult Membership(OrgState org, string groupId, string userId, bool add)
    {
        lock (org.Gate)
        {
            if (!org.Groups.ContainsKey(groupId)) return OktaErrors.NotFound(groupId, "UserGroup");
            if (!org.Users.ContainsKey(userId)) return OktaErrors.NotFound(userId, "User");
            if (add) org.GroupMembers[groupId].Add(userId);
            else org.GroupMembers[groupId].Remove(userId);
        }
        return Results.NoContent();
    }
}
