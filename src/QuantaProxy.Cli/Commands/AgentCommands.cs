using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaProxy.Client.Http;

namespace QuantaProxy.Cli.Commands;

/// <summary>
/// Agents acting for people, from the command line: trust an authorization server (<c>trusted-issuer add</c>), register an
/// agent (<c>agent register</c>), and grant, list, revoke and restore delegations (<c>delegation …</c>).
/// </summary>
public static class AgentCommands
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    private static async Task<int> RunAsync(GatewayConnectionOptions connection, ParseResult parse, Func<QuantaProxyHttpClient, Task<JsonNode>> call)
    {
        try
        {
            using var client = connection.Connect(parse);
            Console.WriteLine((await call(client)).ToJsonString(Pretty));
            return 0;
        }
        catch (Exception e) when (e is QuantaProxyApiException or HttpRequestException or InvalidOperationException)
        {
            Console.Error.WriteLine($"failed: {e.Message}");
            return 1;
        }
    }

    public static Command TrustedIssuer()
    {
        var connection = new GatewayConnectionOptions();
        var issuer = new Option<string>("--issuer") { Description = "The authorization server's issuer URL (https://acme.okta.com/oauth2/aus…)", Required = true };
        var audience = new Option<string>("--audience") { Description = "The audience its tokens for QuantaProxy carry", Required = true };
        var shape = new Option<string>("--token-shape") { Description = "agbac (sub = agent, act.sub = person), token_exchange (sub = person, act.sub = agent) or agent_only", Required = true };
        var add = new Command("add", "Trust an authorization server's agent tokens. Example: quantaproxy trusted-issuer add --issuer https://acme.okta.com/oauth2/aus123 --audience api://quantaproxy --token-shape agbac")
            { issuer, audience, shape };
        connection.AddTo(add);
        add.SetAction((parse, ct) => RunAsync(connection, parse, c => c.SendJsonAsync(HttpMethod.Post, "/api/v2/trusted-issuers", new
        {
            issuer = parse.GetRequiredValue(issuer), audience = parse.GetRequiredValue(audience), token_shape = parse.GetRequiredValue(shape), algorithms = new[] { "RS256" },
        }, ct)));
        var list = new Command("list", "List trusted issuers.");
        connection.AddTo(list);
        list.SetAction((parse, ct) => RunAsync(connection, parse, c => c.SendJsonAsync(HttpMethod.Get, "/api/v2/trusted-issuers", null, ct)));
        return new Command("trusted-issuer", "Authorization servers whose agent tokens the tenant trusts") { add, list };
    }

    public static Command Agent()
    {
        var connection = new GatewayConnectionOptions();
        var issuer = new Option<string>("--trusted-issuer") { Description = "The trusted issuer's id (tis_…)", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "The agent's client id at that issuer", Required = true };
        var name = new Option<string>("--name") { Description = "A name people will recognise", Required = true };
        var integrations = new Option<string>("--integrations") { Description = "Comma-separated integration ids the agent may ever use", Required = true };
        var operations = new Option<string>("--operations") { Description = "Comma-separated operations the agent may ever use", Required = true };
        var register = new Command("register", "Register an agent. Example: quantaproxy agent register --trusted-issuer tis_… --client-id 0oa… --name helpdesk-bot --integrations int_… --operations list_users,get_user")
            { issuer, clientId, name, integrations, operations };
        connection.AddTo(register);
        register.SetAction((parse, ct) => RunAsync(connection, parse, c => c.SendJsonAsync(HttpMethod.Post, "/api/v2/agents", new
        {
            trusted_issuer_id = parse.GetRequiredValue(issuer), client_id = parse.GetRequiredValue(clientId), name = parse.GetRequiredValue(name),
            integrations = List(parse.GetRequiredValue(integrations)), operations = List(parse.GetRequiredValue(operations)),
        }, ct)));
        var list = new Command("list", "List registered agents.");
        connection.AddTo(list);
        list.SetAction((parse, ct) => RunAsync(connection, parse, c => c.SendJsonAsync(HttpMethod.Get, "/api/v2/agents", null, ct)));
        return new Command("agent", "AI agents that may act for people") { register, list };
    }

    public static Command Delegation()
    {
        var connection = new GatewayConnectionOptions();
        var agent = new Option<string>("--agent") { Description = "The agent's id (agt_…)", Required = true };
        var integration = new Option<string>("--integration") { Description = "The integration id", Required = true };
        var operations = new Option<string>("--operations") { Description = "Comma-separated operations delegated", Required = true };
        var person = new Option<string?>("--person") { Description = "The person delegating: Okta user id or login" };
        var group = new Option<string?>("--group") { Description = "Or: every member of this Okta group (id)" };
        var expires = new Option<string>("--expires") { Description = "When the delegation ends (RFC 3339, e.g. 2026-12-31T00:00:00Z)", Required = true };
        var perDay = new Option<long?>("--calls-per-day") { Description = "At most this many calls a day under this delegation" };
        var create = new Command("create", "Grant an agent operations on a person's behalf. Example: quantaproxy delegation create --agent agt_… --integration int_… --operations list_users --person alice@example.com --expires 2026-12-31T00:00:00Z")
            { agent, integration, operations, person, group, expires, perDay };
        connection.AddTo(create);
        create.SetAction((parse, ct) => RunAsync(connection, parse, c =>
        {
            if ((parse.GetValue(person) is null) == (parse.GetValue(group) is null)) throw new InvalidOperationException("Give exactly one of --person and --group.");
            var body = new JsonObject
            {
                ["agent_id"] = parse.GetRequiredValue(agent), ["integration_id"] = parse.GetRequiredValue(integration),
                ["operations"] = new JsonArray(List(parse.GetRequiredValue(operations)).Select(o => (JsonNode)JsonValue.Create(o)!).ToArray()),
                ["expires_at"] = parse.GetRequiredValue(expires),
            };
            if (parse.GetValue(person) is { } p) body["person"] = p;
            if (parse.GetValue(group) is { } g) body["group_id"] = g;
            if (parse.GetValue(perDay) is { } n) body["calls_per_day"] = n;
            return c.SendJsonAsync(HttpMethod.Post, "/api/v2/delegations", body, ct);
        }));
        var list = new Command("list", "List delegations.");
        connection.AddTo(list);
        list.SetAction((parse, ct) => RunAsync(connection, parse, c => c.SendJsonAsync(HttpMethod.Get, "/api/v2/delegations", null, ct)));
        var id = new Argument<string>("delegation-id") { Description = "The delegation (dlg_…)" };
        var revoke = new Command("revoke", "Revoke a delegation at once. Example: quantaproxy delegation revoke dlg_…") { id };
        connection.AddTo(revoke);
        revoke.SetAction((parse, ct) => RunAsync(connection, parse, c => c.SendJsonAsync(HttpMethod.Post, $"/api/v2/delegations/{Uri.EscapeDataString(parse.GetRequiredValue(id))}/revoke", null, ct)));
        var restore = new Command("restore", "Restore a suspended delegation (the person's status in Okta is checked first).") { id };
        connection.AddTo(restore);
        restore.SetAction((parse, ct) => RunAsync(connection, parse, c => c.SendJsonAsync(HttpMethod.Post, $"/api/v2/delegations/{Uri.EscapeDataString(parse.GetRequiredValue(id))}/restore", null, ct)));
        return new Command("delegation", "Delegations: which agent may do what on whose behalf, until when") { create, list, revoke, restore };
    }

    private static string[] List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
