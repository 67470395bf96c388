using System.Text.Json;

namespace QuantaProxy.Gateway.Hooks;

/// <summary>One Okta event (a hook delivery's <c>data.events[]</c> entry or a System Log entry) reduced to what revocation needs.</summary>
public sealed record OktaRevocationEvent(string Uuid, string EventType, DateTimeOffset Published, string UserId, string UserLogin, string? GroupId)
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        "user.lifecycle.deactivate", "user.lifecycle.suspend", "user.lifecycle.delete.initiated",
        "group.user_membership.remove", "application.user_membership.remove", "user.session.clear",
    };

    /// <summary>The event, or null when it is not a revocation this gateway acts on or lacks a user target.</summary>
    public static OktaRevocationEvent? TryRead(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) return null;
        var type = Str(e, "eventType");
        var uuid = Str(e, "uuid");
        if (type is null || uuid is null || !Types.Contains(type) || uuid.Length > 128) return null;
        if (!DateTimeOffset.TryParse(Str(e, "published"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var published)) return null;
        if (e.TryGetProperty("outcome", out var outcome) && outcome.ValueKind == JsonValueKind.Object && Str(outcome, "result") is { } result && result != "SUCCESS") return null;
        if (!e.TryGetProperty("target", out var targets) || targets.ValueKind != JsonValueKind.Array) return null;
        string? userId = null, login = null, groupId = null;
        foreach (var t in targets.EnumerateArray().Take(16))
        {
            if (t.ValueKind != JsonValueKind.Object) continue;
            switch (Str(t, "type"))
            {
                case "User":
                    userId ??= Str(t, "id");
                    login ??= Str(t, "alternateId");
                    break;
                case "UserGroup":
                    groupId ??= Str(t, "id");
                    break;
            }
        }
        return userId is null || userId.Length > 256 ? null : new OktaRevocationEvent(uuid, type, published, userId, login ?? "", groupId);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
