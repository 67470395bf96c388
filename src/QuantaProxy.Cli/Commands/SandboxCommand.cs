using System.CommandLine;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Cli.Commands;

/// <summary>
/// <c>quantaproxy sandbox --urls URL --api-token TOKEN [--seed-users N] [--service-app-jwks FILE --client-id ID]</c>: a local
/// Okta org until Ctrl+C.
/// </summary>
public static class SandboxCommand
{
    /// <summary>A JWKS of public keys is a few KiB; anything much larger is not one.</summary>
    private const int MaxJwksBytes = 256 * 1024;

    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen (loopback)", DefaultValueFactory = _ => "http://127.0.0.1:9090" };
        var token = new Option<string[]>("--api-token") { Description = "An SSWS token the org accepts (repeatable)", Required = true };
        var users = new Option<int>("--seed-users") { Description = "Users to seed", DefaultValueFactory = _ => 250 };
        var jwks = new Option<FileInfo>("--service-app-jwks")
        {
            Description = "A JWKS file ({\"keys\":[...]}) with the public key(s) of a service app allowed to get tokens from /oauth2/v1/token "
                          + "with private_key_jwt and DPoP; requires --client-id",
        };
        var clientId = new Option<string>("--client-id") { Description = "The client_id of that service app; requires --service-app-jwks" };
        var rateLimit = new Option<int>("--rate-limit-per-minute") { Description = "Requests per minute per endpoint family, as Okta's buckets", DefaultValueFactory = _ => new SandboxOptions().RateLimitPerMinute };
        var statsUrls = new Option<string?>("--stats-urls") { Description = "Also serve GET /__sandbox/stats (what the org saw, as JSON) on this loopback URL, for benchmarks" };
        var command = new Command("sandbox",
            "Run a local Okta org (Management API subset, SSWS, org authorization server with private_key_jwt and DPoP, rate limits, paging, errors). "
            + "Example: quantaproxy sandbox --urls http://127.0.0.1:9090 --api-token dev-token --service-app-jwks app-public.jwks.json --client-id 0oaservice123")
        {
            urls, token, users, jwks, clientId, rateLimit, statsUrls,
        };
        command.Validators.Add(result =>
        {
            // Either alone is a half-registered app: refuse rather than start an org that silently lacks it.
            if ((result.GetResult(jwks) is null) != (result.GetResult(clientId) is null))
                result.AddError("--service-app-jwks and --client-id go together: give both (to register a service app) or neither.");
        });
        command.SetAction(async (parse, ct) =>
        {
            var options = new SandboxOptions { SeedUsers = parse.GetValue(users), RateLimitPerMinute = parse.GetValue(rateLimit) };
            options.ApiTokens.AddRange(parse.GetRequiredValue(token));
            if (parse.GetValue(jwks) is { } file)
            {
                try
                {
                    var json = Encoding.UTF8.GetString(CliFiles.ReadBounded(file.FullName, MaxJwksBytes));
                    options.ServiceApps.Add(SandboxServiceApp.FromJwks(parse.GetRequiredValue(clientId), json));
                }
                catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    Console.Error.WriteLine($"--service-app-jwks {file.FullName}: {Reason(e)}");
                    return 2;
                }
            }
            await using var server = await OktaSandboxServer.StartAsync(options, parse.GetRequiredValue(urls), ct);
            await using var stats = parse.GetValue(statsUrls) is { } statsUrl ? await StartStatsAsync(server.Stats, statsUrl, ct) : null;
            var app = options.ServiceApps.Count == 0 ? "" : $", service app {options.ServiceApps[0].ClientId} (private_key_jwt, DPoP)";
            Console.WriteLine($"Okta sandbox listening on {server.BaseAddress} with {options.SeedUsers} users{app}; Ctrl+C to stop");
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

    /// <summary>The exception's message without the "(Parameter 'x')" suffix, which means nothing to someone at a prompt.</summary>
    private static string Reason(Exception e) =>
        e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;

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
            tokens_issued = stats.TokensIssued,
            created_users = stats.CreatedUsers,
            by_operation = stats.ByOperation.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        }));
        await app.StartAsync(ct);
        return app;
    }
}
