namespace QuantaProxy.Gateway.Okta.Catalog;

/// <summary>
/// The invariant that makes path confusion impossible whatever an argument contains: the method and the path that goes on
/// the wire (<see cref="Uri.AbsolutePath"/>, after <see cref="Uri"/> has removed dot segments or unescaped what it likes)
/// equal the catalog template with the arguments substituted, segment for segment (argument segments compared by their
/// unescaped value, never a dot segment). Checked when a request is
/// validated and again on the outgoing <see cref="HttpRequestMessage"/>, for SSWS and service-app calls alike.
/// </summary>
public static class OktaWirePath
{
    private static readonly Uri ProbeBase = new("https://okta.invalid/");

    /// <summary>True when <paramref name="method"/> and <paramref name="wire"/> are exactly what <paramref name="request"/> was built as.</summary>
    public static bool Matches(ValidatedOktaRequest request, HttpMethod method, Uri wire)
    {
        if (method != request.Method || !wire.IsAbsoluteUri) return false;
        return SegmentsMatch(request, wire.AbsolutePath);
    }

    /// <summary>True when the request's own path survives <see cref="Uri"/> parsing unchanged (checked before anything is sent).</summary>
    public static bool SurvivesUriParsing(ValidatedOktaRequest request)
    {
        var query = request.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? request.PathAndQuery : request.PathAndQuery[..query];
        return Uri.TryCreate(ProbeBase, path, out var probe) && SegmentsMatch(request, probe.AbsolutePath);
    }

    private static bool SegmentsMatch(ValidatedOktaRequest request, string absolutePath)
    {
        var template = request.PathTemplate.Split('/');
        var wire = absolutePath.Split('/');
        if (template.Length != wire.Length) return false;
        var argument = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var segment = template[i];
            if (segment.Length > 2 && segment[0] == '{' && segment[^1] == '}')
            {
                if (argument >= request.PathArguments.Count) return false;
                // Escaping is not unique ('@' and '%40' are the same path character), so the segment is compared by value;
                // it was split off before unescaping, so an encoded '/' cannot add a segment.
                var expected = request.PathArguments[argument++];
                if (wire[i].Length == 0 || OktaPayloadRules.IsDotSegment(wire[i]) || !string.Equals(Uri.UnescapeDataString(wire[i]), expected, StringComparison.Ordinal)) return false;
            }
            else if (!string.Equals(wire[i], segment, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return argument == request.PathArguments.Count;
    }
}
