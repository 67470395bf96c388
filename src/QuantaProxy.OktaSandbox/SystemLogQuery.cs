using System.Globalization;
using System.Text.Json.Nodes;
using QuantaProxy.OktaSandbox.Query;

namespace QuantaProxy.OktaSandbox;

/// <summary>
/// <c>GET /api/v1/logs</c> as Okta's System Log answers it. A <em>bounded</em> query (one with <c>until</c>, or sorted
/// DESCENDING) ends when its results are exhausted: its last page has no next link. A <em>polling</em> query (ASCENDING with
/// no <c>until</c>) always has a next link, which points past what was returned, so the client can come back for new events.
/// Every next link repeats the query it continues (since, until, filter, q, sortOrder, limit) with <c>after</c> replaced.
/// </summary>
internal static class SystemLogQuery
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;
    private const int MaxKeywords = 10;
    private const int MaxKeywordLength = 40;

    /// <summary>Okta's default lower bound: 7 days before <c>until</c> (before now for a polling query).</summary>
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(7);

    public static IResult List(HttpContext http, OrgState org, TimeProvider clock)
    {
        var query = http.Request.Query;
        var limit = Paging.Limit(http, DefaultLimit, MaxLimit);
        if (limit is null) return OktaErrors.Invalid("limit: must be a positive integer");
        DateTimeOffset? until = null;
        if (query["until"].FirstOrDefault() is { } untilText)
        {
            if (!IsoTime.TryParse(untilText, out var parsed)) return OktaErrors.Invalid("until: must be an ISO 8601 date-time, such as 2024-01-01T00:00:00.000Z");
            until = parsed;
        }
        var since = (until ?? clock.GetUtcNow()) - DefaultWindow;
        if (query["since"].FirstOrDefault() is { } sinceText && !IsoTime.TryParse(sinceText, out since))
            return OktaErrors.Invalid("since: must be an ISO 8601 date-time, such as 2024-01-01T00:00:00.000Z");
        if (until is { } end && since > end) return OktaErrors.Invalid("since: must not be later than until");
        var descending = false;
        if (query["sortOrder"].FirstOrDefault() is { } order)
        {
            if (!order.Equals("ASCENDING", StringComparison.OrdinalIgnoreCase) && !order.Equals("DESCENDING", StringComparison.OrdinalIgnoreCase))
                return OktaErrors.Invalid("sortOrder: must be ASCENDING or DESCENDING");
            descending = order.Equals("DESCENDING", StringComparison.OrdinalIgnoreCase);
        }
        FilterExpression? filter = null;
        if (query["filter"].FirstOrDefault() is { } filterText && (filter = FilterParser.Parse(filterText, FilterDialects.LogFilter, out var problem)) is null)
            return OktaErrors.InvalidSearch($"filter: {problem}");
        var keywords = (query["q"].FirstOrDefault() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (keywords.Length > MaxKeywords || keywords.Any(k => k.Length > MaxKeywordLength))
            return OktaErrors.Invalid($"q: at most {MaxKeywords} keywords of at most {MaxKeywordLength} characters");
        var polling = until is null && !descending;

        // The cursor is a position in the org's log, which only grows: events before it (after it, descending) were seen.
        int? after = null;
        if (query["after"].FirstOrDefault() is { } cursor)
        {
            if (!int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var position)) return OktaErrors.Invalid("after: invalid cursor");
            after = position;
        }

        var page = new List<JsonObject>();
        int next;
        var more = false;
        lock (org.Gate)
        {
            var count = org.Logs.Count;
            var position = Math.Clamp(after ?? (descending ? count : 0), 0, count);
            bool Wanted(JsonObject e) =>
                e["published"] is JsonValue p && IsoTime.TryParse(p.GetValue<string>(), out var at) && at >= since && (until is null || at < until)
                && (filter is null || filter.Matches(e))
                && (keywords.Length == 0 || Contains(e, keywords));
            var step = descending ? -1 : 1;
            var i = descending ? position - 1 : position;
            for (; i >= 0 && i < count && page.Count < limit.Value; i += step)
                if (Wanted(org.Logs[i])) page.Add((JsonObject)org.Logs[i].DeepClone());
            // i is now the first position not yet looked at; the next page starts there.
            next = descending ? i + 1 : i;
            if (!polling)
                for (; i >= 0 && i < count && !more; i += step)
                    more = Wanted(org.Logs[i]);
        }
        Paging.SetLinks(http, polling || more ? Paging.NextLink(http, next.ToString(CultureInfo.InvariantCulture), limit.Value) : null);
        return Paging.Json(new JsonArray(page.Cast<JsonNode>().ToArray()));
    }

    /// <summary>Okta's <c>q</c> on the System Log: every keyword occurs, case-insensitively, in one of the event's values.</summary>
    private static bool Contains(JsonObject e, string[] keywords)
    {
        var values = new List<string>();
        Strings(e, values, 0);
        return keywords.All(k => values.Any(v => v.Contains(k, StringComparison.OrdinalIgnoreCase)));
    }

    private static void Strings(JsonNode? node, List<string> into, int depth)
    {
        // Events are a few levels deep; the bound only guards against a pathological one.
        if (depth > 16) return;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj) Strings(child, into, depth + 1);
                break;
            case JsonArray array:
                foreach (var child in array) Strings(child, into, depth + 1);
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                into.Add(text);
                break;
        }
    }
}
