namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>Reads <c>Link</c> header values (RFC 8288) just far enough to find the <c>rel="next"</c> target.</summary>
public static class LinkHeader
{
    private const int MaxValueLength = 8192;

    /// <summary>The target of the first link whose <c>rel</c> contains <c>next</c>, or null.</summary>
    public static string? FindNext(IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            if (value.Length > MaxValueLength) continue;
            var i = 0;
            while (i < value.Length)
            {
                while (i < value.Length && (value[i] is ' ' or '\t' or ',')) i++;
                if (i >= value.Length || value[i] != '<') return null;
                var close = value.IndexOf('>', i + 1);
                if (close < 0) return null;
                var target = value[(i + 1)..close];
                i = close + 1;
                var isNext = false;
                // Parameters: ; name[=value | ="quoted"]
                while (true)
                {
                    while (i < value.Length && (value[i] is ' ' or '\t')) i++;
                    if (i >= value.Length || value[i] != ';') break;
                    i++;
                    while (i < value.Length && (value[i] is ' ' or '\t')) i++;
                    var nameStart = i;
                    while (i < value.Length && value[i] is not ('=' or ';' or ',' or ' ' or '\t')) i++;
                    var name = value[nameStart..i];
                    while (i < value.Length && (value[i] is ' ' or '\t')) i++;
                    string parameterValue = "";
                    if (i < value.Length && value[i] == '=')
                    {
                        i++;
                        while (i < value.Length && (value[i] is ' ' or '\t')) i++;
                        if (i < value.Length && value[i] == '"')
                        {
                            var builder = new System.Text.StringBuilder();
                            i++;
                            while (i < value.Length && value[i] != '"')
                            {
                                if (value[i] == '\\' && i + 1 < value.Length) i++;
                                builder.Append(value[i]);
                                i++;
                            }
                            i++;
                            parameterValue = builder.ToString();
                        }
                        else
                        {
                            var start = i;
                            while (i < value.Length && value[i] is not (';' or ',')) i++;
                            parameterValue = value[start..i].Trim();
                        }
                    }
                    if (string.Equals(name, "rel", StringComparison.OrdinalIgnoreCase)
                        && parameterValue.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(r => string.Equals(r, "next", StringComparison.OrdinalIgnoreCase)))
                        isNext = true;
                }
                if (isNext) return target;
            }
        }
        return null;
    }

    /// <summary>The decoded value of query parameter <paramref name="name"/> of a link target, or null.</summary>
    public static string? QueryValue(string target, string name)
    {
        var question = target.IndexOf('?', StringComparison.Ordinal);
        if (question < 0) return null;
        var end = target.IndexOf('#', question);
        var query = end < 0 ? target[(question + 1)..] : target[(question + 1)..end];
        foreach (var pair in query.Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? pair : pair[..equals];
            if (!string.Equals(Uri.UnescapeDataString(key.Replace('+', ' ')), name, StringComparison.Ordinal)) continue;
            return equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
        }
        return null;
    }
}
