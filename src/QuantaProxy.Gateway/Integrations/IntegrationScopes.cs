using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Integrations;

/// <summary>
/// The Okta scopes an integration asks for, checked against (or derived from) the operations it allows: a service-app
/// token without an operation's scope makes Okta answer every such call 403, so the gap is refused when the integration
/// is written rather than discovered call by call.
/// </summary>
public static class IntegrationScopes
{
    /// <summary>The scope set that covers every operation: the union of their scopes, without a read its manage scope implies.</summary>
    public static List<string> Derive(IEnumerable<string> operationNames)
    {
        var union = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in operationNames)
            if (OktaOperationCatalog.Default.TryGet(name, out var operation)) union.UnionWith(operation.RequiredScopes);
        return union.Where(scope => !(scope.EndsWith(".read", StringComparison.Ordinal) && OktaScopes.Covers(union.Where(s => s != scope).ToList(), scope))).ToList();
    }

    /// <summary>Refuses <paramref name="scopes"/> when they lack a scope one of <paramref name="operationNames"/> needs, naming each gap.</summary>
    /// <exception cref="ApiException">400 <c>scopes_do_not_cover_operations</c>.</exception>
    public static void RequireCoverage(IReadOnlyCollection<string> scopes, IEnumerable<string> operationNames)
    {
        var gaps = new List<string>();
        foreach (var name in operationNames)
        {
            if (!OktaOperationCatalog.Default.TryGet(name, out var operation)) continue;
            foreach (var required in operation.RequiredScopes)
                if (!OktaScopes.Covers(scopes, required)) gaps.Add($"{required} (for {name})");
        }
        if (gaps.Count == 0) return;
        const int shown = 5;
        var listed = string.Join(", ", gaps.Take(shown)) + (gaps.Count > shown ? $" and {gaps.Count - shown} more" : "");
        throw new ApiException(400, ProblemCodes.ScopesDoNotCoverOperations,
            $"scopes lack what the allowed operations need: {listed}. Add them, or omit scopes to derive them from allowed_operations.", "scopes");
    }
}
