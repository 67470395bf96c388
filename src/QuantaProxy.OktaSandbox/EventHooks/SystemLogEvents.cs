using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>System Log events (Okta's <c>LogEvent</c>) for what the Management API did, and their <c>target</c> entries.</summary>
internal static class SystemLogEvents
{
    public static JsonObject Build(HttpContext http, string eventType, IReadOnlyList<JsonObject> targets, DateTimeOffset at)
    {
        var (message, legacy) = HookEventTypes.Describe(eventType);
        var requestId = http.Response.Headers["X-Okta-Request-Id"].FirstOrDefault() ?? http.TraceIdentifier;
        return new JsonObject
        {
            ["uuid"] = Guid.NewGuid().ToString(),
            ["published"] = OrgState.Time(at),
            ["eventType"] = eventType,
            ["version"] = "0",
            ["severity"] = "INFO",
            ["displayMessage"] = message,
            ["legacyEventType"] = legacy,
            ["actor"] = SandboxActor.Of(http),
            ["client"] = new JsonObject
            {
                ["ipAddress"] = http.Connection.RemoteIpAddress?.ToString(),
                ["userAgent"] = new JsonObject { ["rawUserAgent"] = Bounded(http.Request.Headers.UserAgent.FirstOrDefault()), ["os"] = "Unknown", ["browser"] = "UNKNOWN" },
            },
            ["outcome"] = new JsonObject { ["result"] = "SUCCESS" },
            ["target"] = new JsonArray(targets.Select(t => (JsonNode)t).ToArray()),
            ["transaction"] = new JsonObject { ["type"] = "WEB", ["id"] = requestId },
            ["debugContext"] = new JsonObject { ["debugData"] = new JsonObject { ["requestId"] = requestId, ["requestUri"] = Bounded(http.Request.Path.Value) } },
            ["authenticationContext"] = new JsonObject { ["authenticationStep"] = 0, ["externalSessionId"] = "unknown" },
            ["securityContext"] = new JsonObject(),
        };
    }

    /// <summary>A user target: <c>{id, type: "User", alternateId: login, displayName}</c>. Call under the org's lock.</summary>
    public static JsonObject User(JsonObject user) => new()
    {
        ["id"] = user["id"]!.GetValue<string>(),
        ["type"] = "User",
        ["alternateId"] = user["profile"]!["login"]!.GetValue<string>(),
        ["displayName"] = $"{user["profile"]!["firstName"]} {user["profile"]!["lastName"]}".Trim(),
        ["detailEntry"] = null,
    };

    /// <summary>A group target: <c>{id, type: "UserGroup", alternateId: "unknown", displayName: name}</c>, as Okta logs groups. Call under the org's lock.</summary>
    public static JsonObject Group(JsonObject group) => new()
    {
        ["id"] = group["id"]!.GetValue<string>(),
        ["type"] = "UserGroup",
        ["alternateId"] = "unknown",
        ["displayName"] = group["profile"]!["name"]!.GetValue<string>(),
        ["detailEntry"] = null,
    };

    /// <summary>An app target: <c>{id, type: "AppInstance", alternateId: label, displayName: label}</c>. Call under the org's lock.</summary>
    public static JsonObject App(JsonObject app) => new()
    {
        ["id"] = app["id"]!.GetValue<string>(),
        ["type"] = "AppInstance",
        ["alternateId"] = app["label"]!.GetValue<string>(),
        ["displayName"] = app["label"]!.GetValue<string>(),
        ["detailEntry"] = null,
    };

    private static string? Bounded(string? text) => text is { Length: > 512 } ? text[..512] : text;
}
