using System.Text.Json.Nodes;
using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>
/// Okta's Event Hooks API under <c>/api/v1/eventHooks</c>: create (ACTIVE, UNVERIFIED), list, get, replace, delete (INACTIVE only),
/// activate, deactivate, and the one-time verification call to the hook.
/// </summary>
internal static class EventHooksApi
{
    private const int MaxBodyBytes = 64 * 1024;

    public static void Map(WebApplication app, EventHookRegistry hooks, HookVerifier verifier, int maxHooks)
    {
        var api = app.MapGroup("/api/v1/eventHooks");
        api.MapGet("", (HttpContext http) =>
            Json(new JsonArray(hooks.All().Select(h => (JsonNode)h.ToJson(RequestUrls.Origin(http.Request))).ToArray())));
        // The CancellationToken parameters keep these lambdas off the RequestDelegate overload, which would drop the IResult.
        api.MapPost("", async (HttpContext http, CancellationToken ct) =>
        {
            var (definition, problem) = await ReadAsync(http, ct);
            if (definition is null) return problem!;
            var hook = hooks.Create(definition);
            return hook is null
                ? OktaErrors.Invalid($"eventHook: The org has the maximum of {maxHooks} event hooks")
                : Json(hook.ToJson(RequestUrls.Origin(http.Request)));
        });
        api.MapGet("/{id}", (string id, HttpContext http) => hooks.Find(id) is { } hook ? Json(hook.ToJson(RequestUrls.Origin(http.Request))) : NotFound(id));
        api.MapPut("/{id}", async (string id, HttpContext http, CancellationToken ct) =>
        {
            var (definition, problem) = await ReadAsync(http, ct);
            if (definition is null) return problem!;
            return Answer(hooks.Replace(id, definition), id, http);
        });
        api.MapDelete("/{id}", (string id) => hooks.Delete(id) switch
        {
            HookChange.Done => Results.NoContent(),
            HookChange.StillActive => OktaErrors.Invalid("status: The event hook must be INACTIVE to be deleted"),
            _ => NotFound(id),
        });
        api.MapPost("/{id}/lifecycle/activate", (string id, HttpContext http) => Answer(hooks.SetActive(id, true), id, http));
        api.MapPost("/{id}/lifecycle/deactivate", (string id, HttpContext http) => Answer(hooks.SetActive(id, false), id, http));
        api.MapPost("/{id}/lifecycle/verify", async (string id, HttpContext http, CancellationToken ct) =>
        {
            if (hooks.Find(id) is not { } hook) return NotFound(id);
            if (await verifier.VerifyAsync(hook, ct) is { } failure)
                return OktaErrors.Error(400, "E0000001", "Api validation failed: verification", $"verification: Unable to verify the event hook: {failure}");
            return Answer(hooks.MarkVerified(id, hook), id, http);
        });
    }

    private static async Task<(EventHookDefinition? Definition, IResult? Problem)> ReadAsync(HttpContext http, CancellationToken ct)
    {
        var (body, problem) = await BoundedBody.ReadObjectAsync(http.Request, MaxBodyBytes, ct);
        if (body is null) return (null, problem);
        var (definition, causes) = EventHookDefinition.Parse(body);
        return definition is null ? (null, OktaErrors.Invalid([.. causes])) : (definition, null);
    }

    private static IResult Answer((HookChange Change, EventHook? Hook) result, string id, HttpContext http) =>
        result.Hook is { } hook ? Json(hook.ToJson(RequestUrls.Origin(http.Request))) : NotFound(id);

    private static IResult NotFound(string id) =>
        OktaErrors.NotFound(new string(id.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) ? c : '?').ToArray()), "EventHook");

    private static IResult Json(JsonNode body) => Results.Content(body.ToJsonString(), "application/json");
}
