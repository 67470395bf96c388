using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Cli.Commands;

/// <summary><c>quantaproxy sandbox --urls URL --api-token TOKEN [--seed-users N]</c>: a local Okta org until Ctrl+C.</summary>
public static class SandboxCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen (loopback)", DefaultValueFactory = _ => "http://127.0.0.1:9090" };
        var token = new Option<string[]>("--api-token") { Description = "An SSWS token the org accepts (repeatable)", Required = true };
        var users = new Option<int>("--seed-users") { Description = "Users to seed", DefaultValueFactory = _ => 250 };
        var rateLimit = new Option<int>("--rate-limit-per-minute") { Description = "Requests per minute per endpoint family, as Okta's buckets", DefaultValueFactory = _ => new SandboxOptions().RateLimitPerMinute };
        var statsUrls = new Option<string?>("--stats-urls") { Description = "Also serve GET /__sandbox/stats (what the org saw, as JSON) on this loopback URL, for benchmarks" };
        var command = new Command("sandbox", "Run a local Okta org (Management API subset, SSWS, rate limits, paging, errors). Example: quantaproxy sandbox --urls http://127.0.0.1:9090 --api-token dev-token")
        {
            urls, token, users, rateLimit, statsUrls,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new SandboxOptions { SeedUsers = parse.GetValue(users), RateLimitPerMinute = parse.GetValue(rateLimit) };
            options.ApiTokens.AddRange(parse.GetRequiredValue(token));
            await using var server = await OktaSandboxServer.StartAsync(options, parse.GetRequiredValue(urls), ct);
            await using var stats = parse.GetValue(statsUrls) is { } statsUrl ? await StartStatsAsync(server.Stats, statsUrl, ct) : null;
            Console.WriteLine($"Okta sandbox listening on {server.BaseAddress} with {options.SeedUsers} users; Ctrl+C to stop");
            try
            {
                await server.RunUntilStoppedAsync(ct);
            }
            catch (OperationCanceledException)
            {
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// A second, separate listener: the sandbox itself answers every unknown path like Okta does, and a separate process
    /// (the load benchmark) needs the org's counts, e.g. token requests, to know what reached "Okta".
    /// </summary>
    private static async Task<WebApplication> StartStatsAsync(SandboxStats stats, string url, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/__sandbox/stats", () => Results.Json(new
        {
            requests = stats.Requests,
            token_requests = stats.TokenRequests,
            created_users = stats.CreatedUsers,
            by_operation = stats.ByOperation.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        }));
        await app.StartAsync(ct);
        return app;
    }
}
