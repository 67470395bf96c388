using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox;

/// <summary>
/// Okta's cursor paging: <c>after</c> is the id of the last item returned, and a <c>Link: rel="next"</c> is sent while more
/// remain. The next link repeats the request's whole query with <c>after</c> replaced, so a client that follows it (as
/// Okta's SDKs do, treating it as opaque) keeps its search, filter and limit.
/// </summary>
internal static class Paging
{
    /// <summary>One page of <paramref name="all"/> (sorted by key) after the request's cursor; with no next link when <paramref name="pageable"/> is false (Okta's <c>q</c>).</summary>
    public static IResult Page(HttpContext http, OrgState org, List<(string Key, JsonObject Value)> all, int limit, bool pageable = true)
    {
        var after = http.Request.Query["after"].FirstOrDefault();
        var start = after is null ? 0 : all.FindIndex(p => string.CompareOrdinal(p.Key, after) > 0);
        if (start < 0) start = all.Count;
        var page = all.Skip(start).Take(limit).ToList();
        var more = pageable && start + page.Count < all.Count && page.Count > 0;
        SetLinks(http, more ? NextLink(http, page[^1].Key, limit) : null);
        JsonArray array;
        lock (org.Gate) array = new JsonArray(page.Select(p => (JsonNode)p.Value.DeepClone()).ToArray());
        return Json(array);
    }

    /// <summary>The request's <c>limit</c>: the default when absent, capped at the maximum, null when not a positive integer.</summary>
    public static int? Limit(HttpContext http, int defaultLimit, int maxLimit)
    {
        var text = http.Request.Query["limit"].FirstOrDefault();
        if (text is null) return defaultLimit;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1) return null;
        return Math.Min(limit, maxLimit);
    }

    public static void SetLinks(HttpContext http, string? next)
    {
        var links = new List<string> { $"<{Origin(http)}{http.Request.Path}{http.Request.QueryString}>; rel=\"self\"" };
        if (next is not null) links.Add($"<{next}>; rel=\"next\"");
        http.Response.Headers.Link = links.ToArray();
    }

    /// <summary>This request's URL with every parameter kept, <c>limit</c> set to the effective limit and <c>after</c> set to <paramref name="after"/>.</summary>
    public static string NextLink(HttpContext http, string after, int limit)
    {
        var query = new StringBuilder();
        foreach (var (name, values) in http.Request.Query)
        {
            if (name is "after" or "limit") continue;
            foreach (var value in values) Append(query, name, value ?? "");
        }
        Append(query, "limit", limit.ToString(CultureInfo.InvariantCulture));
        Append(query, "after", after);
        return $"{Origin(http)}{http.Request.Path}?{query}";
    }

    public static IResult Json(JsonNode body) => Results.Content(body.ToJsonString(), "application/json");

    private static string Origin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";

    private static void Append(StringBuilder query, string name, string value)
    {
        if (query.Length > 0) query.Append('&');
        // Escaped fully, so a value's ',' or ';' cannot end the Link header's URI reference early.
        query.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
    }
}
