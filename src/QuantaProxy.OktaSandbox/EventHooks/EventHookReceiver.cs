using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace QuantaProxy.OktaSandbox;

/// <summary>One call the receiver got: method, headers, body, and what it answered.</summary>
public sealed record ReceivedHookCall(string Method, IReadOnlyDictionary<string, string> Headers, string Body, int AnsweredStatus, DateTimeOffset At)
{
    /// <summary>The header's value (names are case-insensitive), or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The body as JSON (a delivery's <c>com.okta.event_hook</c> envelope), or null.</summary>
    public JsonObject? Json => Body.Length > 0 && Body[0] == '{' ? JsonNode.Parse(Body) as JsonObject : null;

    /// <summary>The System Log events a delivery carries (<c>data.events</c>).</summary>
    public IReadOnlyList<JsonObject> Events => Json?["data"]?["events"] is JsonArray events ? events.OfType<JsonObject>().ToList() : [];
}

/// <summary>
/// A loopback event hook endpoint for tests (of the sandbox or of a hook consumer): answers Okta's verification GET by echoing
/// <c>X-Okta-Verification-Challenge</c>, records every call, and can be told to fail or delay deliveries.
/// </summary>
public sealed class EventHookReceiver : IAsyncDisposable
{
    private const int MaxBodyBytes = 256 * 1024;
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedHookCall> _calls = new();
    private int _failNext;

    private EventHookReceiver(WebApplication app) => _app = app;

    /// <summary>The URL to register as the hook's <c>channel.config.uri</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every call so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedHookCall> Calls => [.. _calls];

    /// <summary>Deliveries (POSTs) answered 200.</summary>
    public IReadOnlyList<ReceivedHookCall> Deliveries => _calls.Where(c => c.Method == "POST" && c.AnsweredStatus == 200).ToList();

    /// <summary>The next N deliveries are answered 500.</summary>
    public int FailNextDeliveries { get => Volatile.Read(ref _failNext); set => Volatile.Write(ref _failNext, value); }

    /// <summary>Added before answering a delivery (beyond the org's timeout, the delivery counts as failed).</summary>
    public TimeSpan DeliveryDelay { get; set; }

    /// <summary>False: verification GETs get a wrong value back, so verification fails.</summary>
    public bool AnswerVerification { get; set; } = true;

    public static async Task<EventHookReceiver> StartAsync(string path = "/okta/event-hooks", CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new EventHookReceiver(app);
        app.MapGet(path, (HttpContext http) =>
        {
            var challenge = http.Request.Headers["X-Okta-Verification-Challenge"].FirstOrDefault() ?? "";
            receiver.Record(http, "", 200);
            var answer = receiver.AnswerVerification ? challenge : challenge + "-wrong";
            return Results.Content(new JsonObject { ["verification"] = answer }.ToJsonString(), "application/json");
        });
        app.MapPost(path, async (HttpContext http, CancellationToken token) =>
        {
            var body = await ReadAsync(http.Request, token);
            if (receiver.DeliveryDelay > TimeSpan.Zero) await Task.Delay(receiver.DeliveryDelay, token);
            var status = receiver.TakeFailure() ? 500 : 200;
            receiver.Record(http, body, status);
            return Results.StatusCode(status);
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), path);
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> deliveries were answered 200; returns them (fewer on timeout).</summary>
    public async Task<IReadOnlyList<ReceivedHookCall>> WaitForDeliveriesAsync(int count, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (Deliveries.Count < count && DateTimeOffset.UtcNow < deadline) await Task.Delay(20, ct);
        return Deliveries;
    }

    private bool TakeFailure()
    {
        while (true)
        {
            var current = Volatile.Read(ref _failNext);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref _failNext, current - 1, current) == current) return true;
        }
    }

    private void Record(HttpContext http, string body, int status) =>
        _calls.Enqueue(new ReceivedHookCall(http.Request.Method,
            http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, status, DateTimeOffset.UtcNow));

    private static async Task<string> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0 && buffer.Length < MaxBodyBytes) buffer.Write(chunk, 0, read);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
