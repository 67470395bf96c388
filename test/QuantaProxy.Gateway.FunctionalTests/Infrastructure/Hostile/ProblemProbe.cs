using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure.Hostile;

/// <summary>
/// Sends hostile requests and holds every answer to the contract: a 4xx, <c>application/problem+json</c> with a
/// <c>code</c> and a matching <c>status</c>, within a hang guard; never a 5xx. Counts what it sent, per family.
/// </summary>
public sealed class ProblemProbe(HttpClient client)
{
    /// <summary>Far above any honest answer time: only a hang (or a server that stopped reading) reaches it.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

    private readonly Dictionary<string, int> _sent = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    public int Total
    {
        get
        {
            lock (_lock) return _sent.Values.Sum();
        }
    }

    public IReadOnlyDictionary<string, int> SentByFamily
    {
        get
        {
            lock (_lock) return new Dictionary<string, int>(_sent);
        }
    }

    public void Count(string family)
    {
        lock (_lock) _sent[family] = _sent.GetValueOrDefault(family) + 1;
    }

    /// <summary>Sends every case in order; returns how many were sent. Fails on the first answer that breaks the contract.</summary>
    public async Task<int> RunAsync(IEnumerable<HostileCase> cases)
    {
        var n = 0;
        foreach (var c in cases)
        {
            await SendAsync(c);
            n++;
        }
        return n;
    }

    public async Task SendAsync(HostileCase hostile)
    {
        using var request = hostile.ToRequest();
        using var guard = new CancellationTokenSource(HangGuard);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, guard.Token);
        }
        catch (OperationCanceledException) when (guard.IsCancellationRequested)
        {
            Assert.Fail($"{hostile}: no answer within {HangGuard.TotalSeconds} s");
            return;
        }
        catch (HttpRequestException failure)
        {
            Assert.Fail($"{hostile}: the connection failed instead of an answer: {failure.Message} {failure.InnerException?.Message}");
            return;
        }
        using var _ = response;
        Count(hostile.Family);
        var text = await response.Content.ReadAsStringAsync(guard.Token);
        CheckAnswer(hostile.ToString(), (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text,
            bodyExpected: hostile.Method != HttpMethod.Head, hostile.KestrelMayRefuse);
    }

    /// <summary>The contract itself, shared with the raw-socket probes.</summary>
    public static void CheckAnswer(string what, int status, string? mediaType, string text, bool bodyExpected, bool kestrelMayRefuse)
    {
        var shown = text.Length > 300 ? text[..300] : text;
        Assert.That(status, Is.InRange(400, 499), $"{what}: {status} {shown}");
        if (kestrelMayRefuse && mediaType is null && text.Length == 0) return;
        Assert.That(mediaType, Is.EqualTo("application/problem+json"), $"{what}: {status} {shown}");
        if (!bodyExpected) return;
        JsonNode problem;
        try
        {
            problem = JsonNode.Parse(text)!;
        }
        catch (JsonException)
        {
            Assert.Fail($"{what}: the problem body is not JSON: {shown}");
            return;
        }
        Assert.That(problem["code"]?.GetValue<string>(), Is.Not.Null.And.Not.Empty, what);
        Assert.That(problem["status"]?.GetValue<int>(), Is.EqualTo(status), what);
    }
}
