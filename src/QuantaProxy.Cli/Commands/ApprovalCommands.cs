using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaProxy.Client.Http;

namespace QuantaProxy.Cli.Commands;

/// <summary>
/// <c>quantaproxy approval list [--state pending]</c> and <c>approval show|approve|reject APR_ID</c>: find and decide on calls held
/// by an <c>@approval</c> policy, as a person whose API key has the <c>approvals:decide</c> scope (never the caller that asked).
/// </summary>
public static class ApprovalCommands
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    private static readonly string[] States = ["pending", "executing", "executed", "failed", "rejected", "expired"];

    /// <summary>Prints the gateway's answer; a refusal or an unreachable gateway is one line on stderr and exit code 1.</summary>
    private static async Task<int> PrintAsync(Func<Task<JsonNode?>> call)
    {
        try
        {
            Console.WriteLine((await call())?.ToJsonString(Pretty));
            return 0;
        }
        catch (Exception e) when (e is QuantaProxyApiException or HttpRequestException or InvalidOperationException)
        {
            Console.Error.WriteLine($"failed: {e.Message}");
            return 1;
        }
    }

    /// <summary>One page of the tenant's approvals, newest first (no arguments: <c>show</c> one to read them).</summary>
    private static Command List()
    {
        var connection = new GatewayConnectionOptions();
        var state = new Option<string?>("--state") { Description = "Only approvals in this state: " + string.Join(", ", States) };
        state.AcceptOnlyFromAmong(States);
        var limit = new Option<int>("--limit") { Description = "At most this many (1 to 100)", DefaultValueFactory = _ => 50 };
        var after = new Option<string?>("--after") { Description = "The next_after of the page before, for the next (older) page" };
        var command = new Command("list", "List the tenant's held calls, newest first. Example: quantaproxy approval list --state pending") { state, limit, after };
        connection.AddTo(command);
        command.SetAction((parse, ct) => PrintAsync(async () =>
        {
            using var client = connection.Connect(parse);
            var query = $"?limit={parse.GetValue(limit)}";
            if (parse.GetValue(state) is { } s) query += "&state=" + Uri.EscapeDataString(s);
            if (parse.GetValue(after) is { } a) query += "&after=" + Uri.EscapeDataString(a);
            return await client.SendJsonAsync(HttpMethod.Get, "/api/v2/approvals" + query, null, ct);
        }));
        return command;
    }

    public static Command Create()
    {
        var connection = new GatewayConnectionOptions();
        Command Verb(string name, string description, HttpMethod method, string suffix)
        {
            var id = new Argument<string>("approval-id") { Description = "The held call's approval id (apr_…)" };
            var command = new Command(name, description) { id };
            connection.AddTo(command);
            command.SetAction((parse, ct) => PrintAsync(async () =>
            {
                using var client = connection.Connect(parse);
                var answer = await client.SendJsonAsync(method, $"/api/v2/approvals/{Uri.EscapeDataString(parse.GetRequiredValue(id))}{suffix}", null, ct);
                if (answer is JsonObject view) view.Remove("envelope");
                return answer;
            }));
            return command;
        }
        return new Command("approval", "Calls held for a second person's approval")
        {
            List(),
            Verb("show", "Show a held call: operation, integration, who asked and for whom, its arguments as the policy saw them, the policies and their reasons, approvals so far. Example: quantaproxy approval show apr_…", HttpMethod.Get, ""),
            Verb("approve", "Approve a held call; the last required approval runs it once. Example: quantaproxy approval approve apr_…", HttpMethod.Post, "/approve"),
            Verb("reject", "Reject a held call; it is never run. Example: quantaproxy approval reject apr_…", HttpMethod.Post, "/reject"),
        };
    }
}
