using System.Text.Json.Nodes;
using QuantaProxy.OktaSandbox.Query;

namespace QuantaProxy.OktaSandbox;

/// <summary>
/// <c>GET /api/v1/users</c>, <c>/groups</c> and <c>/apps</c> with Okta's <c>q</c>, <c>search</c> and <c>filter</c> semantics, as its API
/// description states them: the default user listing and <c>q</c> leave out DEPROVISIONED users, <c>search</c> and
/// <c>filter</c> include them; <c>q</c> is a prefix match that does not page.
/// </summary>
internal static class DirectoryListings
{
    private const int UserPageLimit = 200;
    private const int UserQueryLimit = 10;
    private const int GroupPageLimit = 200;
    private const int GroupQueryLimit = 300;
    private const int GroupMaxLimit = 10000;
    private const int AppPageLimit = 20;
    private const int AppMaxLimit = 200;

    public static IResult Users(HttpContext http, OrgState org)
    {
        var q = http.Request.Query["q"].FirstOrDefault();
        var limit = Paging.Limit(http, q is null ? UserPageLimit : UserQueryLimit, UserPageLimit);
        if (limit is null) return OktaErrors.Invalid("limit: must be a positive integer");
        if (!TryExpressions(http, FilterDialects.UserSearch, FilterDialects.UserFilter, out var expressions, out var refusal)) return refusal!;
        List<(string, JsonObject)> selected;
        lock (org.Gate)
        {
            IEnumerable<KeyValuePair<string, JsonObject>> users = org.Users;
            if (expressions.Count == 0) users = users.Where(u => u.Value["status"]?.GetValue<string>() != "DEPROVISIONED");
            if (q is not null) users = users.Where(u => StartsWith(q, u.Value["profile"]?["firstName"], u.Value["profile"]?["lastName"], u.Value["profile"]?["email"]));
            selected = Matching(users, expressions);
        }
        return Paging.Page(http, org, selected, limit.Value, pageable: q is null);
    }

    public static IResult Groups(HttpContext http, OrgState org)
    {
        var q = http.Request.Query["q"].FirstOrDefault();
        var limit = Paging.Limit(http, q is null ? GroupPageLimit : GroupQueryLimit, GroupMaxLimit);
        if (limit is null) return OktaErrors.Invalid("limit: must be a positive integer");
        if (!TryExpressions(http, FilterDialects.GroupSearch, FilterDialects.GroupFilter, out var expressions, out var refusal)) return refusal!;
        List<(string, JsonObject)> selected;
        lock (org.Gate)
        {
            IEnumerable<KeyValuePair<string, JsonObject>> groups = org.Groups;
            if (q is not null) groups = groups.Where(g => StartsWith(q, g.Value["profile"]?["name"]));
            selected = Matching(groups, expressions);
        }
        return Paging.Page(http, org, selected, limit.Value, pageable: q is null);
    }

    public static IResult Apps(HttpContext http, OrgState org)
    {
        var q = http.Request.Query["q"].FirstOrDefault();
        var limit = Paging.Limit(http, AppPageLimit, AppMaxLimit);
        if (limit is null) return OktaErrors.Invalid("limit: must be a positive integer");
        // Apps have a filter but no search parameter.
        if (!TryExpressions(http, null, FilterDialects.AppFilter, out var expressions, out var refusal)) return refusal!;
        List<(string, JsonObject)> selected;
        lock (org.Gate)
        {
            IEnumerable<KeyValuePair<string, JsonObject>> apps = org.Apps;
            if (q is not null) apps = apps.Where(a => StartsWith(q, a.Value["name"], a.Value["label"]));
            selected = Matching(apps, expressions);
        }
        return Paging.Page(http, org, selected, limit.Value);
    }

    /// <summary>The request's <c>search</c> and <c>filter</c> expressions (both apply when both are given), or Okta's E0000031 refusal.</summary>
    private static bool TryExpressions(HttpContext http, FilterDialect? search, FilterDialect filter, out List<FilterExpression> expressions, out IResult? refusal)
    {
        expressions = [];
        refusal = null;
        foreach (var (name, dialect) in new[] { ("search", search), ("filter", filter) })
        {
            if (dialect is null || http.Request.Query[name].FirstOrDefault() is not { } text) continue;
            var expression = FilterParser.Parse(text, dialect, out var problem);
            if (expression is null)
            {
                refusal = OktaErrors.InvalidSearch($"{name}: {problem}");
                return false;
            }
            expressions.Add(expression);
        }
        return true;
    }

    private static List<(string, JsonObject)> Matching(IEnumerable<KeyValuePair<string, JsonObject>> items, List<FilterExpression> expressions) =>
        items.Where(p => expressions.All(e => e.Matches(p.Value))).Select(p => (p.Key, p.Value)).ToList();

    /// <summary>Okta's <c>q</c>: a case-insensitive prefix of any of the fields.</summary>
    private static bool StartsWith(string q, params JsonNode?[] fields) =>
        fields.Any(f => f is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith(q, StringComparison.OrdinalIgnoreCase));
}
