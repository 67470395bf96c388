using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>
/// Records what happened in the org: appends the System Log event first (so a consumer that misses a delivery can backfill from
/// <c>/api/v1/logs</c>), then queues one delivery per subscribed, active, verified hook.
/// </summary>
internal sealed class OrgEvents(OrgState org, EventHookRegistry hooks, HookDispatcher dispatcher, TimeProvider clock)
{
    private Uri _origin = new("http://sandbox.invalid");

    /// <summary>The org's address, for each delivery's <c>source</c>.</summary>
    public void SetOrigin(Uri baseAddress) => _origin = new Uri(baseAddress.GetLeftPart(UriPartial.Authority));

    public void Record(HttpContext http, string eventType, IReadOnlyList<JsonObject> targets)
    {
        var now = clock.GetUtcNow();
        var logEvent = SystemLogEvents.Build(http, eventType, targets, now);
        var json = logEvent.ToJsonString();
        org.AppendLogEvent(logEvent);
        foreach (var hook in hooks.Subscribers(eventType))
        {
            var eventId = Guid.NewGuid().ToString();
            var body = new JsonObject
            {
                ["eventType"] = "com.okta.event_hook",
                ["eventTypeVersion"] = "1.0",
                ["cloudEventsVersion"] = "0.1",
                ["source"] = $"{_origin.GetLeftPart(UriPartial.Authority)}/api/v1/eventHooks/{hook.Id}",
                ["eventId"] = eventId,
                ["data"] = new JsonObject { ["events"] = new JsonArray(JsonNode.Parse(json)) },
                ["eventTime"] = OrgState.Time(now),
                ["contentType"] = "application/json",
            };
            dispatcher.Enqueue(new HookDelivery(hook, eventId, eventType, body.ToJsonString()));
        }
    }
}
