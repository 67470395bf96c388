using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.CustomAuthorizationServers;

/// <summary>What a token needs to know about a person: read from the org under its lock, copied out.</summary>
internal sealed record PersonSnapshot(string Id, string Login, string Status, string? Name, string? Email, IReadOnlyList<string> Groups);

/// <summary>Looks people up in the org for ID tokens and token exchange.</summary>
internal static class OrgDirectory
{
    /// <summary>The user with this id, or this login (case-insensitive, as Okta matches logins); null when there is none.</summary>
    public static PersonSnapshot? Find(OrgState org, string idOrLogin)
    {
        lock (org.Gate)
        {
            var user = org.Users.GetValueOrDefault(idOrLogin)
                       ?? org.Users.Values.FirstOrDefault(u => string.Equals(u["profile"]!["login"]!.GetValue<string>(), idOrLogin, StringComparison.OrdinalIgnoreCase));
            if (user is null) return null;
            var id = user["id"]!.GetValue<string>();
            var profile = user["profile"]!;
            var groups = org.Groups.Where(g => org.GroupMembers.TryGetValue(g.Key, out var members) && members.Contains(id))
                .Select(g => g.Value["profile"]!["name"]!.GetValue<string>()).ToList();
            return new PersonSnapshot(id, profile["login"]!.GetValue<string>(), user["status"]!.GetValue<string>(),
                $"{Text(profile["firstName"])} {Text(profile["lastName"])}".Trim(), Text(profile["email"]), groups);
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
