using System.Collections;
using System.Globalization;
using System.Text;

namespace QuantaProxy.Gateway.Telemetry;

/// <summary>
/// A log entry's (or scope's) structured state after redaction: values under sensitive names are replaced, every other
/// text value goes through the value rules, numbers and other plain values stay typed. The message is rendered again
/// from the template with the redacted values, so it cannot carry what the state no longer does.
/// </summary>
public sealed class RedactedLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    private const string TemplateKey = "{OriginalFormat}";
    private readonly List<KeyValuePair<string, object?>> _values;

    private RedactedLogState(List<KeyValuePair<string, object?>> values, string message)
    {
        _values = values;
        Message = message;
    }

    public string Message { get; }

    public int Count => _values.Count;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;

    /// <summary>Redacts <paramref name="pairs"/>; <paramref name="formatted"/> is the message as the original state renders it.</summary>
    public static RedactedLogState From(IEnumerable<KeyValuePair<string, object?>> pairs, string formatted)
    {
        var values = new List<KeyValuePair<string, object?>>();
        string? template = null;
        foreach (var (key, value) in pairs)
        {
            if (key == TemplateKey)
            {
                // A template is code, but careless code concatenates values into it: it is redacted like any text.
                template = value as string;
                values.Add(new(key, LogRedaction.Redact(template)));
                continue;
            }
            values.Add(new(key, LogRedaction.IsSensitiveName(key) ? LogRedaction.Marker : RedactValue(value)));
        }
        var message = template is null ? LogRedaction.Redact(formatted) : LogRedaction.Redact(Render(template, values));
        return new RedactedLogState(values, message);
    }

    /// <summary>Plain values keep their type; text, collections and other objects become redacted text.</summary>
    public static object? RedactValue(object? value) => value switch
    {
        null => null,
        bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal => value,
        DateTime or DateTimeOffset or TimeSpan or Guid or Enum => value,
        string text => LogRedaction.Redact(text),
        IEnumerable items => LogRedaction.Redact(string.Join(", ", items.Cast<object?>().Select(Text))),
        _ => LogRedaction.Redact(Text(value)),
    };

    private static string Text(object? value) => value switch
    {
        null => "(null)",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// Fills <c>{Name}</c>, <c>{Name:format}</c> and <c>{Name,alignment}</c> holes in order with the (redacted) values,
    /// as the logging library does; <c>{{</c> and <c>}}</c> are literal braces.
    /// </summary>
    internal static string Render(string template, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        var output = new StringBuilder(template.Length + 64);
        var hole = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                output.Append(c);
                i++;
                continue;
            }
            var end = c == '{' ? template.IndexOf('}', i + 1) : -1;
            if (end < 0)
            {
                output.Append(c);
                continue;
            }
            var spec = template.AsSpan(i + 1, end - i - 1);
            var colon = spec.IndexOf(':');
            var format = colon < 0 ? null : spec[(colon + 1)..].ToString();
            var value = hole < values.Count && values[hole].Key != TemplateKey ? values[hole].Value : null;
            hole++;
            output.Append(value is IFormattable f && format is not null ? f.ToString(format, CultureInfo.InvariantCulture) : Text(value));
            i = end;
        }
        return output.ToString();
    }
}
