using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaProxy.Client.Http;

namespace QuantaProxy.Cli.Commands;

/// <summary>
/// <c>quantaproxy approval show|approve|reject APR_ID</c>: decide on a call held by an <c>@approval</c> policy, as a person
/// whose API key has the <c>approvals:decide</c> scope (never the caller that asked).
/// </summary>
public static class ApprovalCommands
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static Command Create()
    {
        var connection = new GatewayConnectionOptions();
        Command Verb(string name, string description, HttpMethod method, string suffix)
        {
            var id = new Argument<string>("approval-id") { Description = "The held call's approval id (apr_…)" };
            var command = new Command(name, description) { id };
            connection.AddTo(command);
            command.SetAction(async (parse, ct) =>
            {
                try
                {
                    using var client = connection.Connect(parse);
                    var answer = await client.SendJsonAsync(method, $"/api/v2/approvals/{Uri.EscapeDataString(parse.GetRequiredValue(id))}{suffix}", null, ct);
                    if (answer is JsonObject view) view.Remove("envelope");
                    Console.WriteLine(answer.ToJsonString(Pretty));
                    return 0;
                }
                catch (Exception e) when (e is QuantaProxyApiException or HttpRequestException or InvalidOperationException)
                {
                    Console.Error.WriteLine($"failed: {e.Message}");
                    return 1;
                }
            });
            return command;
        }
        return new Command("approval", "Calls held for a second person's approval")
        {
            Verb("show", "Show a held call: operation, integration, who asked, approvals so far. Example: quantaproxy approval show apr_…", HttpMethod.Get, ""),
            Verb("approve", "Approve a held call; the last required approval runs it once. Example: quantaproxy approval approve apr_…", HttpMethod.Post, "/approve"),
            Verb("reject", "Reject a held call; it is never run. Example: quantaproxy approval reject apr_…", HttpMethod.Post, "/reject"),
        };
    }
}
