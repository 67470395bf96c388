using System.Globalization;
using System.Text;

namespace QuantaProxy.Benchmarks;

/// <summary>
/// A tenant policy set shaped like a real one, the same for the policy-stage benchmark and the load benchmark (which compiles
/// this file too), so the microseconds of one and the requests per second of the other are about the same policies: scope
/// checks on groups and arguments over the catalog's operations, one in ten a forbid.
/// </summary>
public static class BenchmarkPolicySet
{
    private static readonly string[] Operations =
        ["list_users", "get_user", "list_groups", "update_user", "add_user_to_group", "remove_user_from_group", "deactivate_user", "suspend_user"];

    public static string Generate(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var op = Operations[i % Operations.Length];
            var condition = (i % 4) switch
            {
                0 => "principal.tenant == \"ten_1\" && context.time.hour >= 8 && context.time.hour < 18",
                1 => "context has human && context.human.groups.contains(\"00gadmins\")",
                2 => "context.calls_today < 1000 && resource.okta_domain like \"*.okta.com\"",
                _ => "context.args has limit && context.args.limit <= 200",
            };
            var effect = i % 10 == 9 ? "forbid" : "permit";
            text.Append(CultureInfo.InvariantCulture, $"@id(\"p{i}\")\n{effect}(principal, action == QuantaProxy::Action::\"{op}\", resource)\nwhen {{ {condition} }};\n");
        }
        return text.ToString();
    }
}
