using System.Globalization;
using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Catalog;

/// <summary>The operation catalog as published: what each operation calls, needs, does and accepts.</summary>
public static class CatalogView
{
    public sealed record ArgumentView(string Name, string In, string Type, bool Required, string? Bounds);
    public sealed record OperationView(string Name, string Method, string PathTemplate, IReadOnlyList<string> RequiredScopes, string RiskClass,
        bool Idempotent, bool Mutating, bool Destructive, bool Paginated, IReadOnlyList<ArgumentView> Arguments);

    public static IReadOnlyList<OperationView> Operations(OktaOperationCatalog catalog) =>
        catalog.All.OrderBy(o => o.Name, StringComparer.Ordinal).Select(View).ToList();

    private static OperationView View(OktaOperation o)
    {
        var arguments = new List<ArgumentView>();
        arguments.AddRange(o.PathFields.Select(f => new ArgumentView(f, "path", "string", true, $"Okta id or login, 1–{OktaPayloadRules.MaxIdLength} characters")));
        arguments.AddRange(o.QueryParameters.Select(q => new ArgumentView(q.Field, "query", q.Kind switch
        {
            OktaParameterKind.WholeNumber => "integer",
            OktaParameterKind.Flag => "boolean",
            OktaParameterKind.Timestamp => "timestamp",
            _ => "string",
        }, q.Required, q.Kind switch
        {
            OktaParameterKind.WholeNumber => string.Create(CultureInfo.InvariantCulture, $"{q.Min}–{q.Max}"),
            OktaParameterKind.Flag => null,
            OktaParameterKind.Timestamp => "RFC 3339",
            OktaParameterKind.SortOrder => "ASCENDING or DESCENDING",
            OktaParameterKind.Choice => "one of " + string.Join(", ", q.Choices!),
            _ => string.Create(CultureInfo.InvariantCulture, $"at most {q.MaxLength} characters"),
        })));
        if (o.Paginated)
            arguments.Add(new ArgumentView(OktaOperation.CursorField, "query", "string", false,
                "the next_cursor of an earlier answer, which continues that exact query (alone, or with members equal to it)"));
        if (o.Body != OktaBodyKind.None)
        {
            var members = string.Join(", ", OktaUserBody.ProfileMembers.Select(m => m.Field));
            arguments.Add(new ArgumentView("profile", "body", "object", true, $"{members}{(o.Body == OktaBodyKind.CreateUser ? " (first_name, last_name, email, login required)" : " (at least one)")}"));
            if (o.Body == OktaBodyKind.CreateUser) arguments.Add(new ArgumentView("password", "body", "string", false, "at most 256 characters; never recorded or shown to policies"));
        }
        return new OperationView(o.Name, o.Method.Method, o.PathTemplate, o.RequiredScopes, o.Risk.ToString().ToLowerInvariant(),
            o.Idempotent, o.Mutating, o.Destructive, o.Paginated, arguments);
    }

    /// <summary>The table in <c>docs/catalog.md</c>; a test keeps the committed file equal to it.</summary>
    public static string Markdown(OktaOperationCatalog catalog)
    {
        var text = new System.Text.StringBuilder();
        text.Append("# Operation catalog\n\n");
        text.Append("Generated from `OktaOperationCatalog` (`quantaproxy catalog --markdown`); `GET /api/v2/catalog` serves the same as JSON.\n");
        text.Append("Risk classes are the action groups policies see: `read`, `write`, `destructive` (a destructive operation takes access, sessions or membership away).\n\n");
        text.Append("| Operation | Okta call | Scope | Risk | Traits | Arguments |\n|---|---|---|---|---|---|\n");
        foreach (var o in Operations(catalog))
        {
            var traits = string.Join(", ", new[] { o.Idempotent ? "idempotent" : null, o.Mutating ? "mutating" : null, o.Destructive ? "destructive" : null, o.Paginated ? "paginated" : null }.Where(t => t is not null));
            var args = string.Join("; ", o.Arguments.Select(a => $"`{a.Name}` ({a.In}, {a.Type}{(a.Required ? ", required" : "")}{(a.Bounds is null ? "" : ", " + a.Bounds)})"));
            text.Append(CultureInfo.InvariantCulture, $"| `{o.Name}` | `{o.Method} {o.PathTemplate}` | {string.Join(", ", o.RequiredScopes.Select(s => $"`{s}`"))} | {o.RiskClass} | {traits} | {args} |\n");
        }
        return text.ToString();
    }
}
