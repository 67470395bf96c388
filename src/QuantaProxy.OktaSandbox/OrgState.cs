using System.Globalization;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox;

/// <summary>
/// The org's objects, in memory. Collections are kept sorted by id (Okta's cursors are the last id returned), guarded by
/// one reader-writer lock: reads dominate and run in parallel.
/// </summary>
internal sealed class OrgState
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    public readonly Lock Gate = new();
    public readonly SortedDictionary<string, JsonObject> Users = new(StringComparer.Ordinal);
    public readonly SortedDictionary<string, JsonObject> Groups = new(StringComparer.Ordinal);
    public readonly SortedDictionary<string, JsonObject> Apps = new(StringComparer.Ordinal);
    public readonly List<JsonObject> Logs = [];
    public readonly Dictionary<string, SortedSet<string>> GroupMembers = new(StringComparer.Ordinal);
    public readonly Dictionary<string, SortedSet<string>> AppUsers = new(StringComparer.Ordinal);
    private readonly Random _random;
    private readonly DateTimeOffset _epoch = new(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);

    public OrgState(SandboxOptions options, int seed = 20261122)
    {
        _random = new Random(seed);
        for (var i = 0; i < options.SeedUsers; i++)
        {
            var user = NewUser($"user{i:D4}@example.com", $"First{i}", $"Last{i}", i % 17 == 0 ? "SUSPENDED" : i % 23 == 0 ? "STAGED" : "ACTIVE", _epoch.AddMinutes(i));
            Users[user["id"]!.GetValue<string>()] = user;
        }
        var userIds = Users.Keys.ToList();
        for (var g = 0; g < options.SeedGroups; g++)
        {
            var id = NewId("00g");
            Groups[id] = new JsonObject
            {
                ["id"] = id,
                ["created"] = Time(_epoch.AddHours(g)),
                ["lastUpdated"] = Time(_epoch.AddHours(g)),
                ["lastMembershipUpdated"] = Time(_epoch.AddHours(g + 1)),
                ["objectClass"] = new JsonArray("okta:user_group"),
                ["type"] = g == 0 ? "BUILT_IN" : "OKTA_GROUP",
                ["profile"] = new JsonObject { ["name"] = g == 0 ? "Everyone" : $"Group {g:D2}", ["description"] = g == 0 ? "All users in your organization" : $"Sandbox group {g}" },
                ["_links"] = new JsonObject(),
            };
            GroupMembers[id] = new SortedSet<string>(g == 0 ? userIds : userIds.Where((_, i) => i % Math.Max(2, g) == 0), StringComparer.Ordinal);
        }
        for (var a = 0; a < options.SeedApps; a++)
        {
            var id = NewId("0oa");
            Apps[id] = new JsonObject
            {
                ["id"] = id,
                ["name"] = a % 2 == 0 ? "oidc_client" : "bookmark",
                ["label"] = $"Sandbox App {a:D2}",
                ["status"] = "ACTIVE",
                ["created"] = Time(_epoch.AddDays(a)),
                ["lastUpdated"] = Time(_epoch.AddDays(a)),
                ["signOnMode"] = a % 2 == 0 ? "OPENID_CONNECT" : "BOOKMARK",
                ["features"] = new JsonArray(),
                ["visibility"] = new JsonObject { ["autoSubmitToolbar"] = false, ["hide"] = new JsonObject { ["iOS"] = false, ["web"] = false } },
                ["_links"] = new JsonObject(),
            };
            AppUsers[id] = new SortedSet<string>(userIds.Where((_, i) => i % (a + 2) == 0), StringComparer.Ordinal);
        }
        // The log ends when the org starts: Okta's default System Log window is the last 7 days, so events dated with the
        // fixed epoch would never be seen by a query without since.
        var logStart = options.Clock.GetUtcNow().AddSeconds(-37.0 * options.SeedLogEvents);
        for (var l = 0; l < options.SeedLogEvents; l++)
        {
            var actor = userIds.Count == 0 ? "00u0000000000000000" : userIds[l % userIds.Count];
            Logs.Add(new JsonObject
            {
                ["uuid"] = Guid.NewGuid().ToString(),
                ["published"] = Time(logStart.AddSeconds(l * 37)),
                ["eventType"] = l % 3 == 0 ? "user.session.start" : l % 3 == 1 ? "user.authentication.sso" : "group.user_membership.add",
                ["version"] = "0",
                ["severity"] = "INFO",
                ["displayMessage"] = l % 3 == 0 ? "User login to Okta" : l % 3 == 1 ? "User single sign on to app" : "Add user to group membership",
                ["legacyEventType"] = "core.user_auth.login_success",
                ["actor"] = new JsonObject { ["id"] = actor, ["type"] = "User", ["alternateId"] = $"user{l % 250:D4}@example.com", ["displayName"] = $"First{l % 250} Last{l % 250}" },
                ["client"] = new JsonObject { ["ipAddress"] = "203.0.113.10", ["userAgent"] = new JsonObject { ["rawUserAgent"] = "Mozilla/5.0", ["os"] = "Linux", ["browser"] = "FIREFOX" } },
                ["outcome"] = new JsonObject { ["result"] = "SUCCESS" },
                ["target"] = new JsonArray(),
                ["transaction"] = new JsonObject { ["type"] = "WEB", ["id"] = NewId("W") },
                ["debugContext"] = new JsonObject { ["debugData"] = new JsonObject() },
                ["authenticationContext"] = new JsonObject { ["externalSessionId"] = NewId("idx") },
                ["securityContext"] = new JsonObject(),
            });
        }
    }

    public JsonObject NewUser(string login, string firstName, string lastName, string status, DateTimeOffset created, string? email = null, string? mobilePhone = null)
    {
        var id = NewId("00u");
        return new JsonObject
        {
            ["id"] = id,
            ["status"] = status,
            ["created"] = Time(created),
            ["activated"] = status == "ACTIVE" ? Time(created) : null,
            ["statusChanged"] = Time(created),
            ["lastLogin"] = null,
            ["lastUpdated"] = Time(created),
            ["passwordChanged"] = null,
            ["type"] = new JsonObject { ["id"] = "oty1sandboxdefault000" },
            ["profile"] = new JsonObject
            {
                ["firstName"] = firstName,
                ["lastName"] = lastName,
                ["mobilePhone"] = mobilePhone,
                ["secondEmail"] = null,
                ["login"] = login,
                ["email"] = email ?? login,
            },
            ["credentials"] = new JsonObject { ["provider"] = new JsonObject { ["type"] = "OKTA", ["name"] = "OKTA" } },
            ["_links"] = new JsonObject(),
        };
    }

    /// <summary>Okta-style ids: a 3-character prefix and 17 more characters (20 in all).</summary>
    public string NewId(string prefix)
    {
        lock (_random)
        {
            return prefix + string.Create(20 - prefix.Length, _random, static (span, r) =>
            {
                for (var i = 0; i < span.Length; i++) span[i] = Alphabet[r.Next(Alphabet.Length)];
            });
        }
    }

    /// <summary>Appends an event to the System Log (<c>/api/v1/logs</c>), after every event already there.</summary>
    public void AppendLogEvent(JsonObject logEvent)
    {
        lock (Gate) Logs.Add(logEvent);
    }

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
