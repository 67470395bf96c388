using System.Globalization;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Audit;

/// <summary>
/// Which events of a chain a listing returns: each set field must equal the stored column exactly (no pattern, so nothing a
/// caller types is a wildcard), and <see cref="From"/> (inclusive) / <see cref="To"/> (exclusive) bound <c>occurred_at</c>.
/// The bounds are kept in the stored timestamp format (<see cref="Timestamps.Format"/>: fixed width, UTC, milliseconds), in
/// which text order is time order, so both databases compare them as text and no column is parsed per row.
/// </summary>
public sealed record AuditEventFilter(
    string? IntegrationId = null, string? Operation = null, string? Actor = null, string? OnBehalfOf = null, string? Outcome = null,
    string? Type = null, string? From = null, string? To = null)
{
    public static readonly AuditEventFilter None = new();

    // An actor is key_…, agent:<issuer>|<client_id>, console:<issuer>|<sub> or a system source; issuers are URLs of at most a
    // few hundred characters and subjects at most 256.
    private const int MaxActorLength = 600;
    // An Okta user id, or a login (an email) when the token named the person only by login.
    private const int MaxPersonLength = 256;
    private const int MaxWordLength = 100;
    private const int MaxInstantLength = 40;

    /// <summary>
    /// Reads the filter from the query of <c>GET /api/v2/audit/events</c>. A value given twice, empty, too long or with a
    /// character the field never holds is refused naming the parameter: a filter that silently matched nothing would read as
    /// "no such events".
    /// </summary>
    public static AuditEventFilter Parse(IQueryCollection query)
    {
        var from = Instant(query, "from");
        var to = Instant(query, "to");
        if (from is not null && to is not null && string.CompareOrdinal(from, to) >= 0)
            throw ApiException.BadRequest("from must be earlier than to.", "from");
        return new AuditEventFilter(
            IntegrationId: IntegrationIdOf(query),
            Operation: Word(query, "operation", IsNameCharacter, "operation is an operation name such as list_users."),
            Actor: Printable(query, "actor", MaxActorLength, "actor is who acted as the audit names them: an API key id (key_…), agent:<issuer>|<client_id> or console:<issuer>|<subject>."),
            OnBehalfOf: Printable(query, "on_behalf_of", MaxPersonLength, "on_behalf_of is the Okta user id (or login) of the person an agent acted for."),
            Outcome: Word(query, "outcome", IsNameCharacter, "outcome is an outcome such as ok, policy_denied or created."),
            Type: Word(query, "type", c => char.IsAsciiLetterLower(c) || c is '.' or '_', "type is an event type such as proxy.call."),
            From: from,
            To: to);
    }

    private static string? Single(IQueryCollection query, string name, int maxLength)
    {
        var values = query[name];
        if (values.Count == 0) return null;
        if (values.Count > 1) throw ApiException.BadRequest($"{name} may be given once.", name);
        var value = values[0];
        if (string.IsNullOrEmpty(value)) throw ApiException.BadRequest($"{name} must not be empty (leave it out to match any).", name);
        if (value.Length > maxLength) throw ApiException.BadRequest($"{name} is longer than {maxLength} characters.", name);
        return value;
    }

    private static string? IntegrationIdOf(IQueryCollection query)
    {
        var value = Single(query, "integration_id", MaxWordLength);
        if (value is not null && !PrefixedId.IsValid(value, PrefixedId.Integration))
            throw ApiException.BadRequest("integration_id is an integration id (int_ followed by 26 characters).", "integration_id");
        return value;
    }

    /// <summary>Operation names and outcomes: ASCII letters, digits and <c>_ . -</c>.</summary>
    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-';

    private static string? Word(IQueryCollection query, string name, Func<char, bool> allowed, string explanation)
    {
        var value = Single(query, name, MaxWordLength);
        if (value is not null && !value.All(allowed)) throw ApiException.BadRequest(explanation, name);
        return value;
    }

    /// <summary>
    /// Actors and persons: visible ASCII only. Stored values went through <see cref="AuditText.Escape"/>, so a backslash in a
    /// filter would have to be written escaped to match; such values are still visible ASCII and so can be asked for.
    /// </summary>
    private static string? Printable(IQueryCollection query, string name, int maxLength, string explanation)
    {
        var value = Single(query, name, maxLength);
        if (value is not null && !value.All(c => c is > ' ' and <= '~')) throw ApiException.BadRequest(explanation, name);
        return value;
    }

    /// <summary>
    /// An ISO-8601 instant with its zone (<c>Z</c> or an offset), normalized to the stored format. Stored times are whole
    /// milliseconds, so rounding the bound up to the next millisecond keeps both comparisons exact: a stored time t is at or
    /// after an instant b exactly when t ≥ ceil(b), and before b exactly when t &lt; ceil(b).
    /// </summary>
    private static string? Instant(IQueryCollection query, string name)
    {
        var value = Single(query, name, MaxInstantLength);
        if (value is null) return null;
        if (!DateTimeOffset.TryParseExact(value, InstantFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            || instant.Year < 2000 || instant.Year > 9998)
            throw ApiException.BadRequest($"{name} is an ISO-8601 instant with a zone, such as 2026-01-31T09:30:00Z.", name);
        var remainder = instant.Ticks % TimeSpan.TicksPerMillisecond;
        if (remainder != 0) instant = instant.AddTicks(TimeSpan.TicksPerMillisecond - remainder);
        return Timestamps.Format(instant);
    }

    /// <summary>
    /// The search as the audit records it (<c>;name=value</c> for each set field, values percent-encoded so no value can
    /// pass for another field): who looked for whose events is itself worth a trace. Empty when nothing is filtered.
    /// </summary>
    public string Describe()
    {
        var text = new System.Text.StringBuilder();
        void Add(string name, string? value)
        {
            if (value is not null) text.Append(';').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        Add("integration_id", IntegrationId);
        Add("operation", Operation);
        Add("actor", Actor);
        Add("on_behalf_of", OnBehalfOf);
        Add("outcome", Outcome);
        Add("type", Type);
        Add("from", From);
        Add("to", To);
        return text.ToString();
    }

    // An explicit zone is required: a time without one would be read in whatever zone the reader assumes.
    private static readonly string[] InstantFormats =
    [
        "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
    ];
}
