using System.Globalization;
using QuantaProxy.Crypto.Formats;

namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// The additional authenticated data of a local wrap:
/// <c>F("qp-local-wrap-v1") || F(key_id) || F(n as decimal) || F(k_1) || F(v_1) || ... || F(k_n) || F(v_n)</c>
/// with the context entries sorted by key (ordinal). Length prefixes make <c>{"a": "bc"}</c> and <c>{"ab": "c"}</c>
/// different; sorting makes the insertion order of the dictionary irrelevant, as it is for AWS KMS.
/// </summary>
internal static class LocalWrapAad
{
    public const string Label = "qp-local-wrap-v1";

    public static byte[] Build(string keyId, IReadOnlyDictionary<string, string> encryptionContext)
    {
        var entries = encryptionContext.ToArray();
        Array.Sort(entries, static (x, y) => string.CompareOrdinal(x.Key, y.Key));
        var writer = new LengthPrefixedWriter()
            .Add(Label)
            .Add(keyId)
            .Add(entries.Length.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in entries)
        {
            writer.Add(key).Add(value);
        }
        return writer.ToArray();
    }
}
