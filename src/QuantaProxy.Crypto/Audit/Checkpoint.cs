using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Crypto.Audit;

/// <summary>
/// A signed checkpoint (FORMATS.md §3): C2SP tlog-checkpoint text — origin, tree size, base64 root, each on its own line —
/// then a blank line and signed-note style signature lines <c>— &lt;name&gt; &lt;b64(keyid(4) || ML-DSA-65 signature)&gt;</c>.
/// The signature covers the text above the blank line, with context <c>quantaproxy/checkpoint/v1</c>.
/// </summary>
public sealed record Checkpoint(string Origin, long TreeSize, byte[] RootHash)
{
    public const string SignatureAlgorithm = "ML-DSA-65";
    private const string Dash = "\u2014";
    private const int MaxTextLength = 16 * 1024;

    public static ReadOnlySpan<byte> SignatureContext => "quantaproxy/checkpoint/v1"u8;

    /// <summary>The signed body: three lines, each ending in <c>\n</c>.</summary>
    public string Body => string.Create(CultureInfo.InvariantCulture, $"{Origin}\n{TreeSize}\n{Convert.ToBase64String(RootHash)}\n");

    /// <summary><c>keyid = SHA-256(name || 0x0A || 0xFF || "ML-DSA-65" || public key)[:4]</c>.</summary>
    public static byte[] KeyId(string name, MlDsa65PublicKey publicKey)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + SignatureAlgorithm.Length + publicKey.Encoded.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = 0xFF;
        Encoding.ASCII.GetBytes(SignatureAlgorithm).CopyTo(input, nameBytes.Length + 2);
        publicKey.Encoded.CopyTo(input.AsSpan(nameBytes.Length + 2 + SignatureAlgorithm.Length));
        return SHA256.HashData(input)[..4];
    }

    /// <summary>The signed checkpoint text, byte for byte as tenants keep it.</summary>
    public string Sign(MlDsa65PrivateKey key, string name)
    {
        var body = Body;
        var signature = key.Sign(Encoding.UTF8.GetBytes(body), SignatureContext);
        var blob = new byte[4 + signature.Length];
        KeyId(name, key.PublicKey).CopyTo(blob, 0);
        signature.CopyTo(blob, 4);
        return $"{body}\n{Dash} {name} {Convert.ToBase64String(blob)}\n";
    }

    /// <summary>Parses strictly and verifies the signature line of <paramref name="name"/> with <paramref name="publicKey"/>.</summary>
    public static bool TryVerify(string signedText, string name, MlDsa65PublicKey publicKey, out Checkpoint? checkpoint, out string? problem)
    {
        checkpoint = null;
        if (!TryParse(signedText, out var parsed, out var signatures, out problem)) return false;
        var keyId = KeyId(name, publicKey);
        foreach (var (lineName, blob) in signatures)
        {
            if (lineName != name || blob.Length != 4 + MlDsa65.SignatureSize || !blob.AsSpan(0, 4).SequenceEqual(keyId)) continue;
            if (publicKey.Verify(Encoding.UTF8.GetBytes(parsed!.Body), SignatureContext, blob.AsSpan(4)))
            {
                checkpoint = parsed;
                return true;
            }
            problem = "the checkpoint signature does not verify";
            return false;
        }
        problem ??= "no signature line from the trusted key";
        return false;
    }

    public static bool TryParse(string signedText, out Checkpoint? checkpoint, out List<(string Name, byte[] Signature)> signatures, out string? problem)
    {
        checkpoint = null;
        signatures = [];
        problem = null;
        if (signedText.Length > MaxTextLength || !signedText.EndsWith('\n')) { problem = "not a checkpoint (size or final newline)"; return false; }
        var split = signedText.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0) { problem = "no blank line before the signatures"; return false; }
        var lines = signedText[..(split + 1)].Split('\n');
        if (lines.Length != 4 || lines[3].Length != 0) { problem = "the checkpoint body must have exactly three lines"; return false; }
        if (!long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || lines[1] != size.ToString(CultureInfo.InvariantCulture))
        { problem = "the tree size is not a decimal number"; return false; }
        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            problem = "the root is not base64";
            return false;
        }
        if (root.Length != MerkleTree.HashSize || Convert.ToBase64String(root) != lines[2]) { problem = "the root is not a canonical base64 SHA-256 hash"; return false; }
        checkpoint = new Checkpoint(lines[0], size, root);
        foreach (var line in signedText[(split + 2)..].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            if (parts.Length != 3 || parts[0] != Dash) { problem = "a signature line is malformed"; return false; }
            try
            {
                signatures.Add((parts[1], Convert.FromBase64String(parts[2])));
            }
            catch (FormatException)
            {
                problem = "a signature is not base64";
                return false;
            }
        }
        if (signatures.Count == 0) { problem = "the checkpoint is not signed"; return false; }
        return true;
    }
}
