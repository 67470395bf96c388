using System.Text.Json;

namespace QuantaProxy.Gateway.Okta.Catalog;

/// <summary>Builds Okta's user JSON (<c>profile</c>, <c>credentials.password.value</c>) from the snake_case payload.</summary>
internal static class OktaUserBody
{
    private static readonly HashSet<string> ProfileFields = new(StringComparer.Ordinal) { "first_name", "last_name", "email", "login", "mobile_phone" };

    private static readonly (string Field, string OktaName, int MaxLength)[] Profile =
    [
        ("first_name", "firstName", 50),
        ("last_name", "lastName", 50),
        ("email", "email", 100),
        ("login", "login", 100),
        ("mobile_phone", "mobilePhone", 100),
    ];

    public static byte[] Create(Dictionary<string, JsonElement> members)
    {
        if (!members.TryGetValue("profile", out var profile)) throw new PayloadValidationException("payload.profile", "payload.profile is required.");
        var fields = OktaPayloadRules.Members(profile, "payload.profile", ProfileFields);
        foreach (var required in new[] { "first_name", "last_name", "email", "login" })
            if (!fields.ContainsKey(required)) throw new PayloadValidationException($"payload.profile.{required}", $"payload.profile.{required} is required.");
        string? password = null;
        if (members.TryGetValue("password", out var passwordElement))
        {
            password = OktaPayloadRules.String(passwordElement, "payload.password", 256);
            if (password.Length == 0) throw new PayloadValidationException("payload.password", "payload.password must not be empty.");
        }
        return Write(fields, password);
    }

    public static byte[] Update(Dictionary<string, JsonElement> members)
    {
        if (!members.TryGetValue("profile", out var profile)) throw new PayloadValidationException("payload.profile", "payload.profile is required.");
        var fields = OktaPayloadRules.Members(profile, "payload.profile", ProfileFields);
        if (fields.Count == 0) throw new PayloadValidationException("payload.profile", "payload.profile must change at least one member.");
        return Write(fields, null);
    }

    /// <summary>The profile members as typed arguments (already validated by <see cref="Create"/> or <see cref="Update"/>).</summary>
    public static IReadOnlyDictionary<string, object> ProfileArguments(JsonElement profile)
    {
        var values = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var member in profile.EnumerateObject())
            if (ProfileFields.Contains(member.Name) && member.Value.ValueKind == JsonValueKind.String) values[member.Name] = member.Value.GetString()!;
        return values;
    }

    /// <summary>The profile members an operation's body accepts, with their bounds (for the published catalog).</summary>
    public static IEnumerable<(string Field, int MaxLength)> ProfileMembers => Profile.Select(p => (p.Field, p.MaxLength));

    private static byte[] Write(Dictionary<string, JsonElement> fields, string? password)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("profile");
            foreach (var (field, oktaName, maxLength) in Profile)
            {
                if (!fields.TryGetValue(field, out var value)) continue;
                var path = $"payload.profile.{field}";
                var text = field is "email" or "login" ? OktaPayloadRules.Email(value, path) : OktaPayloadRules.NonEmpty(value, path, maxLength);
                writer.WriteString(oktaName, text);
            }
            writer.WriteEndObject();
            if (password is not null)
            {
                writer.WriteStartObject("credentials");
                writer.WriteStartObject("password");
                writer.WriteString("value", password);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
