using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Agents;

/// <summary>Bounds on the identifiers agents, issuers and delegations are made of.</summary>
public static class AgentInput
{
    public const int MaxListLength = 100;

    /// <summary>A client id, audience, user id, login or group id: 1–256 printable characters, no '|' (the actor separator).</summary>
    public static string Identifier(string? value, string field)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 256 || value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '|'))
            throw ApiException.BadRequest($"{field} must be 1 to 256 printable characters without spaces or '|'.", field);
        return value;
    }

    public static List<string> Operations(IReadOnlyList<string>? operations, string field)
    {
        if (operations is null || operations.Count == 0) throw ApiException.BadRequest($"{field} must name at least one operation.", field);
        if (operations.Count > MaxListLength) throw ApiException.BadRequest($"{field} has more than {MaxListLength} entries.", field);
        for (var i = 0; i < operations.Count; i++)
            if (!OktaOperationCatalog.Default.TryGet(operations[i] ?? "", out _))
                throw new ApiException(400, ProblemCodes.UnknownOperation, "Unknown operation; see the operation catalog.", $"{field}[{i}]");
        return operations.Distinct(StringComparer.Ordinal).ToList();
    }
}
