using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>An extra header the org sends to the hook with every call.</summary>
internal sealed record HookHeader(string Key, string Value);

/// <summary>
/// A registered event hook, immutable: every change makes a new one, so a delivery already queued keeps the configuration it
/// was queued with. <see cref="AuthValue"/> is the shared secret: sent to the hook, never shown by the API.
/// </summary>
internal sealed record EventHook(
    string Id, string Name, string? Description, bool Active, bool Verified, IReadOnlyList<string> EventTypes, Uri Uri,
    IReadOnlyList<HookHeader> Headers, string? AuthKey, string? AuthValue, string Created, string LastUpdated)
{
    /// <summary>The hook as Okta's API shows it (<c>EventHook</c>), without the auth scheme's value.</summary>
    public JsonObject ToJson(string origin)
    {
        var self = $"{origin}/api/v1/eventHooks/{Id}";
        var config = new JsonObject
        {
            ["uri"] = Uri.OriginalString,
            ["headers"] = new JsonArray(Headers.Select(h => (JsonNode)new JsonObject { ["key"] = h.Key, ["value"] = h.Value }).ToArray()),
            ["method"] = "POST",
        };
        config["authScheme"] = AuthKey is null ? null : new JsonObject { ["type"] = "HEADER", ["key"] = AuthKey };
        var links = new JsonObject
        {
            ["self"] = new JsonObject { ["href"] = self },
            ["verify"] = Link(self + "/lifecycle/verify"),
        };
        links[Active ? "deactivate" : "activate"] = Link(self + (Active ? "/lifecycle/deactivate" : "/lifecycle/activate"));
        return new JsonObject
        {
            ["id"] = Id,
            ["status"] = Active ? "ACTIVE" : "INACTIVE",
            ["verificationStatus"] = Verified ? "VERIFIED" : "UNVERIFIED",
            ["name"] = Name,
            ["description"] = Description,
            ["created"] = Created,
            ["createdBy"] = SandboxActor.AdminId,
            ["lastUpdated"] = LastUpdated,
            ["events"] = new JsonObject
            {
                ["type"] = "EVENT_TYPE",
                ["items"] = new JsonArray(EventTypes.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
                ["filter"] = null,
            },
            ["channel"] = new JsonObject { ["type"] = "HTTP", ["version"] = "1.0.0", ["config"] = config },
            ["_links"] = links,
        };
    }

    private static JsonObject Link(string href) => new() { ["href"] = href, ["hints"] = new JsonObject { ["allow"] = new JsonArray("POST") } };
}
