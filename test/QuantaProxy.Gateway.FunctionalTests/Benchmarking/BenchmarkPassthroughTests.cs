using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QuantaProxy.Gateway.Benchmarking;
using QuantaProxy.Gateway.Hosting;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Benchmarking;

/// <summary>
/// The load benchmark's plain-YARP baseline (<c>QuantaProxy:BenchmarkPassthrough</c>) must never exist in a default
/// gateway, and is refused at start-up unless the environment is Development and it is explicitly enabled.
/// </summary>
[TestFixture]
public sealed class BenchmarkPassthroughTests
{
    private const string Token = "00passthrough-test-token";
    private const string Path = "/__benchmark/okta/api/v1/users?limit=2";
    private OktaSandboxServer _okta = null!;
    private readonly List<string> _dataDirs = [];

    [OneTimeSetUp]
    public async Task StartSandbox() => _okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 5 });

    [OneTimeTearDown]
    public async Task StopSandbox()
    {
        await _okta.DisposeAsync();
        foreach (var dir in _dataDirs.Where(Directory.Exists)) Directory.Delete(dir, recursive: true);
    }

    private Dictionary<string, string?> Passthrough(bool enabled) => new()
    {
        ["QuantaProxy:BenchmarkPassthrough:Enabled"] = enabled ? "true" : "false",
        ["QuantaProxy:BenchmarkPassthrough:Routes:okta:ClusterId"] = "okta",
        ["QuantaProxy:BenchmarkPassthrough:Routes:okta:Match:Path"] = "/__benchmark/okta/{**rest}",
        ["QuantaProxy:BenchmarkPassthrough:Routes:okta:Transforms:0:PathRemovePrefix"] = "/__benchmark/okta",
        ["QuantaProxy:BenchmarkPassthrough:Clusters:okta:Destinations:sandbox:Address"] = _okta.BaseAddress.ToString(),
    };

    private async Task<WebApplication> CreateAsync(string environment, Dictionary<string, string?> settings)
    {
        var dataDir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "qp-test-" + Guid.NewGuid().ToString("N"));
        _dataDirs.Add(dataDir);
        settings["QuantaProxy:DataDir"] = dataDir;
        return await GatewayApp.CreateAsync(["--urls", "http://127.0.0.1:0", "--environment", environment], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
        });
    }

    private static async Task<HttpResponseMessage> GetAsync(WebApplication app, string path)
    {
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var http = new HttpClient { BaseAddress = address };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("SSWS", Token);
        return await http.SendAsync(request);
    }

    [Test]
    public async Task A_default_gateway_does_not_forward()
    {
        await using var app = await CreateAsync("Production", []);
        await app.StartAsync();
        var before = _okta.Stats.Requests;

        foreach (var path in new[] { Path, "/__benchmark/counters", "/__benchmark/spans", "/__benchmark/memory" })
        {
            using var response = await GetAsync(app, path);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Multiple(() =>
            {
                // No such endpoint, so no anonymous marker: a stranger is asked for a key and nothing is forwarded.
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), path);
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), path);
                Assert.That(problem["code"]!.GetValue<string>(), Is.EqualTo("unauthenticated"), path);
            });
        }
        Assert.That(_okta.Stats.Requests, Is.EqualTo(before), "nothing reached the Okta sandbox");
        await app.StopAsync();
    }

    [TestCase("Production", true, "Development environment")]
    [TestCase("Development", false, "QuantaProxy:BenchmarkPassthrough:Enabled=true")]
    public void The_passthrough_is_refused_at_start_up_unless_development_and_enabled(string environment, bool enabled, string named)
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(async () => await CreateAsync(environment, Passthrough(enabled)));
        Assert.That(error!.Message, Does.Contain(named));
    }

    [Test]
    public void A_passthrough_route_outside_the_benchmark_prefix_is_refused()
    {
        var settings = Passthrough(enabled: true);
        settings["QuantaProxy:BenchmarkPassthrough:Routes:okta:Match:Path"] = "/api/v1/{**rest}";
        var error = Assert.ThrowsAsync<InvalidOperationException>(async () => await CreateAsync("Development", settings));
        Assert.That(error!.Message, Does.Contain("/__benchmark/"));
    }

    [Test]
    public async Task Enabled_in_development_it_forwards_and_counts()
    {
        await using var app = await CreateAsync("Development", Passthrough(enabled: true));
        await app.StartAsync();

        using var response = await GetAsync(app, Path);
        var users = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        using var counters = await GetAsync(app, "/__benchmark/counters");
        var totals = JsonNode.Parse(await counters.Content.ReadAsStringAsync())!.AsObject();
        // A request's span ends just after its answer is written: read until the two requests before have ended.
        JsonObject spanTotals;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        do
        {
            using var spans = await GetAsync(app, "/__benchmark/spans");
            spanTotals = JsonNode.Parse(await spans.Content.ReadAsStringAsync())!.AsObject();
        } while ((spanTotals[BenchmarkSpans.ServerRequest]?["count"]?.GetValue<long>() ?? 0) < 2 && DateTime.UtcNow < deadline);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(users, Has.Count.EqualTo(2));
            Assert.That(totals.Select(p => p.Key), Has.Some.StartsWith("http.client.requests{server.address=127.0.0.1,server.port=" + _okta.BaseAddress.Port));
            var server = spanTotals[BenchmarkSpans.ServerRequest]!;
            Assert.That(server["count"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(2));
            Assert.That(server["total_ms"]!.GetValue<double>(), Is.GreaterThan(0));
        });
        await app.StopAsync();
    }
}
