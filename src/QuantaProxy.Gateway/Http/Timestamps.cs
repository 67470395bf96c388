using System.Globalization;

namespace QuantaProxy.Gateway.Http;

/// <summary>FORMATS.md timestamps: RFC 3339 UTC with milliseconds, e.g. <c>2026-11-22T13:00:00.123Z</c>.</summary>
public static class Timestamps
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
