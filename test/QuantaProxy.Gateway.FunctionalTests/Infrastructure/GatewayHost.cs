using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server.Features;
using QuantaProxy.Gateway.Hosting;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure;

public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A real gateway on a free loopback port (Kestrel, real HTTP), with a throwaway data folder and either SQLite or a
/// throwaway PostgreSQL database. Logs are captured for secret searches.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly PostgresDatabase? _postgres;

    private GatewayHost(WebApplication app, string dataDir, PostgresDatabase? postgres, CapturingLoggerProvider logs, Uri baseAddress, string adminKey)
    {
        _app = app;
        _postgres = postgres;
        DataDir = dataDir;
        Logs = logs;
        BaseAddress = baseAddress;
        AdminKey = adminKey;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public string DataDir { get; }
    public CapturingLoggerProvider Logs { get; }
    public Uri BaseAddress { get; }
    public string AdminKey { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;
    public PostgresDatabase? Postgres => _postgres;

    private bool _owner = true;

    /// <summary>A second gateway instance on the same data folder and database (another replica, or a restart).</summary>
    public static async Task<GatewayHost> StartOnExistingAsync(GatewayHost existing)
    {
        var host = await StartCoreAsync(existing.DataDir, existing.Postgres, null, existing.AdminKey);
        host._owner = false;
        return host;
    }

    /// <param name="configure">Extra services for the test (e.g. an <c>IStartupFilter</c>), applied before the gateway's own.</param>
    public static async Task<GatewayHost> StartAsync(StoreKind store = StoreKind.Sqlite, IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "qp-test-" + Guid.NewGuid().ToString("N"));
        var postgres = store == StoreKind.Postgres ? await PostgresDatabase.CreateAsync() : null;
        return await StartCoreAsync(dataDir, postgres, settings, null, configure);
    }

    private static async Task<GatewayHost> StartCoreAsync(string dataDir, PostgresDatabase? postgres, IDictionary<string, string?>? settings, string? adminKey,
        Action<WebApplicationBuilder>? configure = null)
    {
        var logs = new CapturingLoggerProvider();
        var config = new Dictionary<string, string?>
        {
            ["QuantaProxy:DataDir"] = dataDir,
            ["QuantaProxy:Okta:AllowLoopback"] = "true",
            ["QuantaProxy:Audit:CheckpointInterval"] = "00:00:00",
            // Tests read a checkpoint right after the events they prove; CheckpointReuseTests turns reuse on.
            ["QuantaProxy:Audit:CheckpointReuseMaxAge"] = "00:00:00",
            // Load-style tests drive one key hard; the limiter has its own test.
            ["QuantaProxy:RateLimits:PerKeyPerSecond"] = "100000",
            ["QuantaProxy:RateLimits:PerKeyBurst"] = "100000",
            ["QuantaProxy:RateLimits:PerTenantPerSecond"] = "100000",
        };
        if (postgres is not null)
        {
            config["QuantaProxy:Storage:Provider"] = "Postgres";
            config["QuantaProxy:Storage:ConnectionString"] = postgres.ConnectionString;
        }
        if (settings is not null)
            foreach (var (k, v) in settings) config[k] = v;

        var app = await GatewayApp.CreateAsync(["--urls", "http://127.0.0.1:0", "--environment", "Development"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        adminKey ??= (await File.ReadAllTextAsync(Path.Combine(dataDir, "admin-key"))).Trim();
        return new GatewayHost(app, dataDir, postgres, logs, new Uri(address), adminKey);
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? apiKey, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (apiKey is not null) request.Headers.Add("X-API-Key", apiKey);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        return request;
    }

    public async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? apiKey, object? body = null)
    {
        using var request = Request(method, path, apiKey, body);
        var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? node = null;
        if (text.Length > 0)
        {
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                node = JsonValue.Create(text);
            }
        }
        return (response, node);
    }

    public async Task<JsonNode> OkAsync(HttpMethod method, string path, string? apiKey, object? body = null)
    {
        var (response, node) = await SendAsync(method, path, apiKey, body);
        Assert.That((int)response.StatusCode, Is.InRange(200, 299), $"{method} {path} → {(int)response.StatusCode}: {node?.ToJsonString()}");
        return node!;
    }

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (!_owner) return;
        if (_postgres is not null) await _postgres.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
