using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QuantaProxy.OktaSandbox.CustomAuthorizationServers;
using QuantaProxy.OktaSandbox.EventHooks;
using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox;

/// <summary>
/// A local Okta org on Kestrel: the Management API subset of QuantaProxy's operation catalog with SSWS tokens, Okta's
/// error bodies, <c>X-Rate-Limit-*</c> budgets and 429s, <c>Link</c> paging, <c>X-Okta-Request-Id</c>, and run-time faults;
/// and the org authorization server for service apps (<c>private_key_jwt</c>, DPoP-bound tokens, per-operation scopes).
/// </summary>
public sealed class OktaSandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly AgentAuthorization _agents;
    private readonly EventHookSystem _hooks;

    private OktaSandboxServer(WebApplication app, Uri baseAddress, SandboxFaults faults, SandboxStats stats, AgentAuthorization agents, EventHookSystem hooks)
    {
        _app = app;
        _agents = agents;
        _hooks = hooks;
        BaseAddress = baseAddress;
        Faults = faults;
        Stats = stats;
    }

    public Uri BaseAddress { get; }
    public SandboxFaults Faults { get; }
    public SandboxStats Stats { get; }

    /// <summary>Event hook deliveries the org attempted, and a wait for them to finish.</summary>
    public EventHookActivity EventHooks => _hooks.Activity;

    public static async Task<OktaSandboxServer> StartAsync(SandboxOptions options, string url = "http://127.0.0.1:0", CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var faults = new SandboxFaults();
        var stats = new SandboxStats();
        // Built first: it validates the service apps, and a bad option must fail before a host exists.
        var authorizationServer = new OrgAuthorizationServer(options, faults, stats, options.Clock);
        var org = new OrgState(options);
        var agents = new AgentAuthorization(options, org, faults, stats, options.Clock);
        var hooks = new EventHookSystem(options.EventHooks, org, faults, options.Clock);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var tokens = options.ApiTokens.Select(Encoding.UTF8.GetBytes).ToList();
        var buckets = new ConcurrentDictionary<string, (long Window, int Used)>(StringComparer.Ordinal);

        // What arrived on the wire, before routing decodes or normalises anything: tests check the gateway against this.
        app.Use((http, next) =>
        {
            var target = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "";
            stats.Receive(http.Request.Method, target);
            return next(http);
        });
        app.Use(async (http, next) =>
        {
            // Client role assignments are Management API calls under /oauth2/v1/clients, not the authorization server's.
            if (!http.Request.Path.StartsWithSegments("/api/v1", StringComparison.Ordinal)
                && !http.Request.Path.StartsWithSegments("/oauth2/v1/clients", StringComparison.Ordinal))
            {
                await next(http);
                return;
            }
            var family = http.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) ?? "";
            stats.Count($"{http.Request.Method} {family}");
            http.Response.Headers["X-Okta-Request-Id"] = "sbx" + Guid.NewGuid().ToString("N")[..20];
            if (faults.Latency > TimeSpan.Zero) await Task.Delay(faults.Latency, http.RequestAborted);
            if (http.Request.Headers["X-Okta-Retry-For"].FirstOrDefault() is { } retryFor)
                stats.RetryHeaders.Enqueue((retryFor, http.Request.Headers["X-Okta-Retry-Count"].FirstOrDefault() ?? ""));

            if (ResourceAuthenticator.Handles(http.Request.Headers.Authorization))
            {
                if (await authorizationServer.Resources.AuthenticateAsync(http) is { } refusal)
                {
                    await refusal.ExecuteAsync(http);
                    return;
                }
            }
            else if (!Authorized(http.Request.Headers.Authorization.FirstOrDefault(), tokens))
            {
                http.Response.Headers.WWWAuthenticate = "SSWS realm=\"sandbox\"";
                await OktaErrors.Error(401, "E0000011", "Invalid token provided").ExecuteAsync(http);
                return;
            }
            if (faults.TakeDrop())
            {
                http.Abort();
                return;
            }
            var now = options.Clock.GetUtcNow();
            var window = now.ToUnixTimeSeconds() / 60;
            var bucket = buckets.AddOrUpdate(family, (window, 1), (_, b) => b.Window == window ? (window, b.Used + 1) : (window, 1));
            var reset = (window + 1) * 60;
            var limited = faults.TakeRateLimit();
            if (limited) reset = (now + (faults.RateLimitResetIn ?? TimeSpan.FromSeconds(1))).ToUnixTimeSeconds();
            http.Response.Headers["X-Rate-Limit-Limit"] = options.RateLimitPerMinute.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers["X-Rate-Limit-Remaining"] = (limited ? 0 : Math.Max(0, options.RateLimitPerMinute - bucket.Used)).ToString(CultureInfo.InvariantCulture);
            http.Response.Headers["X-Rate-Limit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
            if (limited || bucket.Used > options.RateLimitPerMinute)
            {
                await OktaErrors.Error(429, "E0000047", "API call exceeded rate limit due to too many requests.").ExecuteAsync(http);
                return;
            }
            if (faults.TakeFailure())
            {
                // Reached the org and failed: for a create, the side effect may or may not have happened.
                await OktaErrors.Error(500, "E0000009", "Internal Server Error").ExecuteAsync(http);
                return;
            }
            await next(http);
        });
        app.Use(hooks.Tap.InvokeAsync);
        ManagementApi.Map(app, org, stats, options.Clock);
        Governance.GovernanceApi.Map(app, org, new Governance.GovernanceState(org, options));
        authorizationServer.Map(app);
        agents.Map(app, tokens);
        hooks.Map(app);
        app.MapFallback((HttpContext http) => OktaErrors.Error(404, "E0000022", "The endpoint does not support the provided HTTP method"));

        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            // Nothing else owns them yet: the delivery loop and the signing keys must not outlive a sandbox that never started.
            await hooks.DisposeAsync();
            agents.Dispose();
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseAddress = new Uri(address);
        foreach (var server in agents.Servers.All) server.SetOrigin(baseAddress);
        hooks.Events.SetOrigin(baseAddress);
        return new OktaSandboxServer(app, baseAddress, faults, stats, agents, hooks);
    }

    private static bool Authorized(string? header, List<byte[]> tokens)
    {
        if (header is null || !header.StartsWith("SSWS ", StringComparison.Ordinal)) return false;
        var presented = Encoding.UTF8.GetBytes(header[5..]);
        var ok = false;
        foreach (var token in tokens) ok |= CryptographicOperations.FixedTimeEquals(token, presented);
        return ok;
    }

    /// <summary>The custom authorization server <c>/oauth2/{id}</c> configured in <see cref="SandboxOptions.AuthorizationServers"/>.</summary>
    /// <exception cref="KeyNotFoundException">No server has that id.</exception>
    public CustomAuthorizationServer AuthorizationServer(string id) =>
        _agents.Servers.Find(id) ?? throw new KeyNotFoundException($"no authorization server {id} in the sandbox");

    /// <summary>Registers another service app (an agent) with the custom authorization servers while the sandbox runs.</summary>
    /// <exception cref="ArgumentException">The app is not one Okta would accept, or its client id is taken.</exception>
    public void RegisterAgent(SandboxServiceApp app) => _agents.Agents.Register(app);

    public Task RunUntilStoppedAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _hooks.DisposeAsync();
        _agents.Dispose();
    }
}
