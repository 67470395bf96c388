using System.Text;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure.Hostile;

/// <summary>The raw ingredients of the sweep: byte sequences and JSON fragments that no endpoint may accept.</summary>
public static class HostileInputs
{
    /// <summary>Escapes that are valid JSON but spell a control character or a lone surrogate.</summary>
    public static readonly string[] BadEscapes =
    [
        @"\u0000", @"\u0001", @"\u001f", @"\u007f", @"\u0085", @"\u009f", @"\ud800", @"\udfff", @"\ud800\u0041", @"\udc00\ud800", @"\ud83d",
    ];

    /// <summary>Raw bytes that are not UTF-8 (or are raw control characters, which JSON forbids inside strings).</summary>
    public static readonly byte[][] BadBytes =
    [
        [0x00], [0x01], [0x1F], [0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ];

    /// <summary>Every text injection, as the bytes to put inside a JSON string.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> TextInjections() =>
        BadEscapes.Select(e => ("escape " + e, Encoding.ASCII.GetBytes(e)))
            .Concat(BadBytes.Select(b => ("bytes " + Convert.ToHexString(b), b)));

    /// <summary>A JSON string token: <c>"</c> + <paramref name="prefix"/> + <paramref name="inject"/> + <c>"</c>.</summary>
    public static byte[] StringWith(string prefix, byte[] inject) => [(byte)'"', .. Encoding.UTF8.GetBytes(prefix), .. inject, (byte)'"'];

    /// <summary>Values of every JSON kind; a field is sent each kind except its own.</summary>
    public static readonly string[] WrongTypes = ["\"sweep-wrong\"", "7", "-1.5", "true", "null", "[]", "{}", "[\"a\",1]", "{\"k\":\"v\"}"];

    /// <summary>Numbers no field can hold, some valid JSON (out of range, negative zero), some not JSON at all.</summary>
    public static readonly string[] BadNumbers =
    [
        "1e400", "-1e400", "-0", "1e-400", "123456789012345678901234567890", "18446744073709551616", "-9223372036854775809",
        "0." + new string('0', 400) + "1", "NaN", "Infinity", "-Infinity", "01", "1.", ".5", "+1", "0x1F", "1e", "--1",
    ];

    public static byte[] Nested(char open, char close, int depth) => Encoding.ASCII.GetBytes(new string(open, depth) + new string(close, depth));

    public static byte[] NestedObjects(int depth) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth));

    /// <summary>A JSON string of <paramref name="length"/> repetitions of <paramref name="unit"/>.</summary>
    public static byte[] LongString(string unit, int length)
    {
        var sb = new StringBuilder(unit.Length * length + 2).Append('"');
        for (var i = 0; i < length; i++) sb.Append(unit);
        return Encoding.UTF8.GetBytes(sb.Append('"').ToString());
    }

    /// <summary>A JSON array of <paramref name="count"/> copies of <paramref name="item"/>.</summary>
    public static byte[] LongArray(string item, int count) => Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat(item, count)) + "]");

    public static readonly string?[] WrongContentTypes =
    [
        null, "", "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/json; charset=latin1", "application/json; charset=utf-16", "application/jsonx", "application/problem+json",
        "application/json, text/plain", "garbage;;;=", "application/json; charset=\"utf-8\"; x=" + new string('a', 4000),
    ];

    /// <summary>Methods sent to each path; the ones mapped for it are skipped.</summary>
    public static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "HEAD", "PROPFIND", "QPFUZZ"];
}
