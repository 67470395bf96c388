namespace QuantaProxy.Policy.Expressions;

/// <summary>
/// A <c>like</c> pattern: literal runs separated by wildcards. Matching anchors the first and last runs and takes each
/// middle run at its leftmost occurrence, which is correct for star-only patterns and costs O(text × pattern) at worst.
/// </summary>
internal sealed class LikePattern
{
    private readonly string?[] _parts;

    /// <param name="parts">Literal runs, with null for a wildcard; adjacent wildcards already merged.</param>
    public LikePattern(IReadOnlyList<string?> parts) => _parts = [.. parts];

    public IReadOnlyList<string?> Parts => _parts;

    public bool IsMatch(string text)
    {
        if (_parts.Length == 0)
        {
            return text.Length == 0;
        }
        var start = 0;
        var end = text.Length;
        var first = 0;
        var last = _parts.Length - 1;
        if (_parts[0] is { } prefix)
        {
            if (!text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return false;
            }
            start = prefix.Length;
            first = 1;
            if (_parts.Length == 1)
            {
                return text.Length == prefix.Length;
            }
        }
        if (_parts[last] is { } suffix && last >= first)
        {
            if (end - start < suffix.Length || !text.EndsWith(suffix, StringComparison.Ordinal))
            {
                return false;
            }
            end -= suffix.Length;
            last--;
        }
        for (var i = first; i <= last; i++)
        {
            if (_parts[i] is not { } run)
            {
                continue;
            }
            var at = text.IndexOf(run, start, end - start, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }
            start = at + run.Length;
        }
        return true;
    }
}
