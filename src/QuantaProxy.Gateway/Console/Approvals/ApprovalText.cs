using System.Globalization;
using System.Text.Json.Nodes;

namespace QuantaProxy.Gateway.WebConsole.Approvals;

/// <summary>How the approval pages word an approval's state and its arguments.</summary>
public static class ApprovalText
{
    /// <summary>"1 of 2 approvals" while it waits; otherwise the state itself.</summary>
    public static string State(JsonNode approval)
    {
        var state = approval["state"]!.GetValue<string>();
        if (state != Gateway.Policies.ApprovalStates.Pending) return state;
        var given = approval["approvers"]?.AsArray().Count ?? 0;
        var required = approval["approvals_required"]!.GetValue<int>();
        return string.Create(CultureInfo.InvariantCulture, $"pending: {given} of {required} approval{(required == 1 ? "" : "s")}");
    }

    /// <summary>An argument's value as the policy read it: text as is, numbers and flags as JSON, a record as indented JSON.</summary>
    public static string Value(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        JsonObject or JsonArray => value.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }),
        _ => value.ToJsonString(),
    };
}
