using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaProxy.Policy;
using QuantaProxy.Policy.Json;
using QuantaProxy.Policy.Parsing;

// Usage: QuantaProxy.Policy.Differential <cases.jsonl> <results.jsonl>
// Each case line: {"index", "policies", "entities", "principal", "action", "resource", "context"}.
// Each result line: {"index", "parsed", "decision", "determining", "errors", "message"}, in the order of the cases.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: QuantaProxy.Policy.Differential <cases.jsonl> <results.jsonl>");
    return 2;
}

// Generated cases nest deeper than a gateway's policies would; the limits themselves have their own unit tests.
var limits = PolicyLimits.Default with { MaxNestingDepth = PolicyLimits.HardMaxNestingDepth };
using var output = new StreamWriter(args[1]);
var count = 0;
foreach (var line in File.ReadLines(args[0]))
{
    if (string.IsNullOrWhiteSpace(line))
    {
        continue;
    }
    using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 256 });
    var c = doc.RootElement;
    var result = new JsonObject { ["index"] = c.GetProperty("index").GetInt32() };
    try
    {
        var policies = PolicySet.Parse(c.GetProperty("policies").GetString()!, limits);
        var entities = CedarJson.ReadEntities(c.GetProperty("entities"));
        var request = new Request(
            CedarJson.ReadEntityUid(c.GetProperty("principal")),
            CedarJson.ReadEntityUid(c.GetProperty("action")),
            CedarJson.ReadEntityUid(c.GetProperty("resource")),
            CedarJson.ReadContext(c.GetProperty("context")));
        var decision = Authorizer.IsAuthorized(request, entities, policies);
        result["parsed"] = true;
        result["decision"] = decision.IsAllowed ? "allow" : "deny";
        result["determining"] = new JsonArray([.. decision.DeterminingPolicies.Select(p => (JsonNode)JsonValue.Create(p))]);
        result["errors"] = new JsonArray([.. decision.Errors.Select(e => (JsonNode)JsonValue.Create(e.PolicyId))]);
        result["messages"] = new JsonArray([.. decision.Errors.Select(e => (JsonNode)JsonValue.Create(e.Message))]);
    }
    catch (PolicyParseException e)
    {
        result["parsed"] = false;
        result["message"] = e.Message;
    }
    catch (FormatException e)
    {
        // Entities or context the engine refuses (e.g. a parent cycle): compared with cedar-wasm refusing them.
        result["parsed"] = true;
        result["inputRejected"] = true;
        result["message"] = e.Message;
    }
    output.WriteLine(result.ToJsonString());
    count++;
}
Console.Error.WriteLine($"dotnet: evaluated {count} cases");
return 0;
