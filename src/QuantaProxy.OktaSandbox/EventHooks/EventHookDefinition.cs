using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>What a create or replace request asks for, validated: Okta's <c>EventHook</c> body, bounded.</summary>
internal sealed record EventHookDefinition(string Name, string? Description, IReadOnlyList<string> EventTypes, Uri Uri, IReadOnlyList<HookHeader> Headers, string? AuthKey, string? AuthValue)
{
    private const int MaxNameLength = 255;
    private const int MaxEventTypes = 50;
    private const int MaxHeaders = 10;
    private const int MaxHeaderLength = 1024;

    /// <summary>Headers the org sets itself; a hook's configuration may not replace them.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Type", "Content-Length", "Transfer-Encoding", "Connection", "Accept", "X-Okta-Verification-Challenge", "Expect", "Upgrade", "TE",
    };

    /// <summary>The definition, or Okta's <c>errorCauses</c> summaries (<c>field: problem</c>).</summary>
    public static (EventHookDefinition? Definition, List<string> Causes) Parse(JsonObject body)
    {
        var causes = new List<string>();
        var name = Text(body["name"]);
        if (string.IsNullOrWhiteSpace(name)) causes.Add("name: The field cannot be left blank");
        else if (name.Length > MaxNameLength) causes.Add($"name: The field must be at most {MaxNameLength} characters");
        var description = Text(body["description"]);
        if (description is { Length: > 1024 }) causes.Add("description: The field must be at most 1024 characters");

        var events = body["events"] as JsonObject;
        var types = new List<string>();
        if (events is null) causes.Add("events: The field cannot be left blank");
        else
        {
            if (Text(events["type"]) != "EVENT_TYPE") causes.Add("events.type: The only supported type is EVENT_TYPE");
            if (events["items"] is not JsonArray items || items.Count == 0) causes.Add("events.items: The field cannot be left blank");
            else if (items.Count > MaxEventTypes) causes.Add($"events.items: At most {MaxEventTypes} event types");
            else
            {
                foreach (var item in items)
                {
                    var type = Text(item);
                    if (type is null || !HookEventTypes.Eligible.Contains(type)) causes.Add($"events.items: Not an event hook eligible event type: {Printable(type)}");
                    else if (!types.Contains(type)) types.Add(type);
                }
            }
        }

        var channel = body["channel"] as JsonObject;
        var config = channel?["config"] as JsonObject;
        Uri? uri = null;
        var headers = new List<HookHeader>();
        string? authKey = null, authValue = null;
        if (channel is null || config is null) causes.Add("channel: The field cannot be left blank");
        else
        {
            if (Text(channel["type"]) != "HTTP") causes.Add("channel.type: The only supported type is HTTP");
            if (Text(channel["version"]) != "1.0.0") causes.Add("channel.version: The only supported version is 1.0.0");
            var uriText = Text(config["uri"]);
            if (LoopbackUri.Problem(uriText) is { } uriProblem) causes.Add($"channel.config.uri: {uriProblem}");
            else uri = new Uri(uriText!);
            if (config["headers"] is JsonArray headerList)
            {
                if (headerList.Count > MaxHeaders) causes.Add($"channel.config.headers: At most {MaxHeaders} headers");
                else
                    foreach (var header in headerList.OfType<JsonObject>())
                    {
                        var (key, value) = (Text(header["key"]), Text(header["value"]) ?? "");
                        if (!IsHeaderName(key) || Reserved.Contains(key!) || !IsHeaderValue(value)) causes.Add($"channel.config.headers: Invalid header {Printable(key)}");
                        else headers.Add(new HookHeader(key!, value));
                    }
            }
            if (config["authScheme"] is JsonObject auth)
            {
                authKey = Text(auth["key"]);
                authValue = Text(auth["value"]);
                if (Text(auth["type"]) != "HEADER") causes.Add("channel.config.authScheme.type: The only supported type is HEADER");
                if (!IsHeaderName(authKey) || Reserved.Contains(authKey!)) causes.Add("channel.config.authScheme.key: Invalid header name");
                if (string.IsNullOrEmpty(authValue) || !IsHeaderValue(authValue)) causes.Add("channel.config.authScheme.value: The field cannot be left blank");
            }
        }
        if (causes.Count > 0) return (null, causes);
        return (new EventHookDefinition(name!, description, types, uri!, headers, authKey, authValue), causes);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>An RFC 9110 token, bounded.</summary>
    private static bool IsHeaderName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 256 && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));

    /// <summary>Visible ASCII and spaces only: no CR or LF to split the request.</summary>
    private static bool IsHeaderValue(string value) => value.Length <= MaxHeaderLength && value.All(c => c is >= ' ' and <= '~');

    private static string Printable(string? text) => text is null ? "(none)" : new(text.Take(64).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}
