using System.CommandLine;
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
        var command = new Command("sandbox", "Run a local Okta org (Management API subset, SSWS, rate limits, paging, errors). Example: quantaproxy sandbox --urls http://127.0.0.1:9090 --api-token dev-token")
        {
            urls, token, users,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new SandboxOptions { SeedUsers = parse.GetValue(users) };
            options.ApiTokens.AddRange(parse.GetRequiredValue(token));
            await using var server = await OktaSandboxServer.StartAsync(options, parse.GetRequiredValue(urls), ct);
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
}
