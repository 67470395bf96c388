using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Transparent;

/// <summary>
/// Okta's own method and path (<c>GET /api/v1/users/00u1</c>) → the catalog operation with that method and template, and the
/// path segments in its placeholders. Nothing else is reachable: a request no template matches is refused before it is read.
/// </summary>
public static class TransparentRoutes
{
    /// <summary>Okta paths are short; a longer one is matched against nothing rather than split.</summary>
    public const int MaxPathLength = 2048;

    private sealed record Route(OktaOperation Operation, string[] Segments, int Literals);

    private static readonly Route[] Routes = OktaOperationCatalog.Default.All
        .Select(o =>
        {
            var segments = o.PathTemplate.Trim('/').Split('/');
            return new Route(o, segments, segments.Count(s => !IsPlaceholder(s)));
        })
        .ToArray();

    private static bool IsPlaceholder(string segment) => segment.Length > 2 && segment[0] == '{' && segment[^1] == '}';

    /// <summary>
    /// The operation for <paramref name="method"/> and <paramref name="path"/> (Okta's path, still percent-encoded), with its
    /// path arguments (decoded) in template order; false when the catalog has no such call. Where a literal segment and a
    /// placeholder both match (<c>/groups/rules</c> and <c>/groups/{groupId}</c>), the template with more literals wins, as in Okta.
    /// </summary>
    public static bool TryMatch(string method, string path, out OktaOperation operation, out IReadOnlyList<string> arguments)
    {
        operation = null!;
        arguments = [];
        if (path.Length is 0 or > MaxPathLength || path[0] != '/') return false;
        var segments = path[1..].Split('/');
        Route? best = null;
        foreach (var route in Routes)
        {
            if (!string.Equals(route.Operation.Method.Method, method, StringComparison.OrdinalIgnoreCase) || route.Segments.Length != segments.Length) continue;
            var matches = true;
            for (var i = 0; i < segments.Length && matches; i++)
                matches = IsPlaceholder(route.Segments[i]) ? segments[i].Length > 0 : string.Equals(route.Segments[i], segments[i], StringComparison.Ordinal);
            if (matches && (best is null || route.Literals > best.Literals)) best = route;
        }
        if (best is null) return false;
        var values = new List<string>();
        for (var i = 0; i < segments.Length; i++)
            if (IsPlaceholder(best.Segments[i])) values.Add(Uri.UnescapeDataString(segments[i]));
        operation = best.Operation;
        arguments = values;
        return true;
    }
}
