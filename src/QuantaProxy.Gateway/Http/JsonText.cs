using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Unicode;

namespace QuantaProxy.Gateway.Http;

/// <summary>
/// RFC 8259 requires JSON text to be UTF-8, and a string's escapes must spell valid Unicode. System.Text.Json does not
/// check either while tokenising: it only fails later, when a string is materialised, with an
/// <see cref="InvalidOperationException"/> rather than a <see cref="JsonException"/> — which every hand-written reader
/// (and every <c>JsonElement.GetString</c> in a payload validator) would otherwise have to remember to catch. Checking
/// once, on the raw body, before any endpoint looks at it, turns such bodies into one precise 400 instead.
/// </summary>
public static class JsonText
{
    /// <summary>Deeper than any endpoint parser allows, so every body an endpoint accepts has been scanned to the end.</summary>
    private const int ScanDepth = 64;

    /// <summary>
    /// False when the bytes are not UTF-8 or a string escape does not decode to Unicode scalar values (a lone
    /// surrogate such as <c>\ud800</c>). Syntax errors are not judged here: the endpoint's parser reports those
    /// with the member they concern.
    /// </summary>
    public static bool IsValidUnicode(ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json)) return false;
        if (json.IndexOf((byte)'\\') < 0) return true;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = ScanDepth, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped) continue;
                if (!UnescapesToUnicode(ref reader)) return false;
            }
        }
        catch (JsonException)
        {
            // Malformed or too deep: the endpoint's own parser refuses it with a better message.
        }
        return true;
    }

    private static bool UnescapesToUnicode(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        // The unescaped copy may be a secret (a sealed credential's value): it is zeroed before the buffer goes back.
        var scratch = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var written = reader.CopyString(scratch);
            return Utf8.IsValid(scratch.AsSpan(0, written));
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scratch);
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
