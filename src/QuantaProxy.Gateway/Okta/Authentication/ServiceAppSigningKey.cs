using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Okta.Authentication;

/// <summary>
/// A service app's private JWK (RSA or EC), imported straight from the unsealed credential bytes into a platform key.
/// The JWK members are decoded from UTF-8 into byte arrays that are zeroed right after the import, so the private key
/// never exists as a .NET string. Lives for one client assertion; dispose it right after signing.
/// </summary>
internal sealed class ServiceAppSigningKey : IDisposable
{
    private const int MaxMemberBytes = 2048;
    private readonly AsymmetricAlgorithm _key;

    private ServiceAppSigningKey(AsymmetricAlgorithm key, SecurityKey securityKey, string algorithm, string? keyId)
    {
        _key = key;
        SecurityKey = securityKey;
        Algorithm = algorithm;
        KeyId = keyId;
    }

    public SecurityKey SecurityKey { get; }
    /// <summary>JWS alg: the JWK's own <c>alg</c>, or RS256 / ES256 / ES384 / ES512 by key type.</summary>
    public string Algorithm { get; }
    public string? KeyId { get; }

    public static ServiceAppSigningKey Import(ReadOnlySpan<byte> jwkJson)
    {
        var members = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string? kty = null, crv = null, alg = null, kid = null;
        try
        {
            var reader = new Utf8JsonReader(jwkJson, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw Malformed();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (!reader.Read()) throw Malformed();
                switch (name)
                {
                    case "kty": kty = PlainString(ref reader); break;
                    case "crv": crv = PlainString(ref reader); break;
                    case "alg": alg = PlainString(ref reader); break;
                    case "kid": kid = PlainString(ref reader); break;
                    case "n" or "e" or "d" or "p" or "q" or "dp" or "dq" or "qi" or "x" or "y":
                        if (members.ContainsKey(name)) throw Malformed();
                        members[name] = Base64UrlMember(ref reader);
                        break;
                    default:
                        // use, key_ops, x5c and the like do not change how the key signs.
                        reader.Skip();
                        break;
                }
            }
            return kty switch
            {
                "RSA" => ImportRsa(members, alg, kid),
                "EC" => ImportEc(members, crv, alg, kid),
                _ => throw Malformed(),
            };
        }
        catch (Exception e) when (e is JsonException or CryptographicException or FormatException)
        {
            throw Malformed();
        }
        finally
        {
            foreach (var value in members.Values) CryptographicOperations.ZeroMemory(value);
        }
    }

    private static ServiceAppSigningKey ImportRsa(Dictionary<string, byte[]> m, string? alg, string? kid)
    {
        foreach (var required in new[] { "n", "e", "d", "p", "q", "dp", "dq", "qi" })
            if (!m.ContainsKey(required)) throw Malformed();
        var modulus = m["n"];
        if (modulus.Length < 256) throw new OktaCallException("okta_auth_failed", "The service app's RSA key is shorter than 2048 bits.") { MayHaveReachedOkta = false };
        var half = (modulus.Length + 1) / 2;
        var padded = new List<byte[]>();
        try
        {
            var parameters = new RSAParameters
            {
                Modulus = modulus,
                Exponent = m["e"],
                D = Pad(m["d"], modulus.Length, padded),
                P = Pad(m["p"], half, padded),
                Q = Pad(m["q"], half, padded),
                DP = Pad(m["dp"], half, padded),
                DQ = Pad(m["dq"], half, padded),
                InverseQ = Pad(m["qi"], half, padded),
            };
            var algorithm = alg ?? SecurityAlgorithms.RsaSha256;
            if (algorithm is not (SecurityAlgorithms.RsaSha256 or SecurityAlgorithms.RsaSha384 or SecurityAlgorithms.RsaSha512)) throw Malformed();
            var rsa = RSA.Create();
            try
            {
                rsa.ImportParameters(parameters);
            }
            catch
            {
                rsa.Dispose();
                throw;
            }
            return new ServiceAppSigningKey(rsa, new RsaSecurityKey(rsa) { KeyId = kid }, algorithm, kid);
        }
        finally
        {
            foreach (var copy in padded) CryptographicOperations.ZeroMemory(copy);
        }
    }

    private static ServiceAppSigningKey ImportEc(Dictionary<string, byte[]> m, string? crv, string? alg, string? kid)
    {
        var (curve, size, defaultAlg) = crv switch
        {
            "P-256" => (ECCurve.NamedCurves.nistP256, 32, SecurityAlgorithms.EcdsaSha256),
            "P-384" => (ECCurve.NamedCurves.nistP384, 48, SecurityAlgorithms.EcdsaSha384),
            "P-521" => (ECCurve.NamedCurves.nistP521, 66, SecurityAlgorithms.EcdsaSha512),
            _ => throw Malformed(),
        };
        if (!m.TryGetValue("x", out var x) || !m.TryGetValue("y", out var y) || !m.TryGetValue("d", out var d)) throw Malformed();
        if ((alg ?? defaultAlg) != defaultAlg) throw Malformed();
        var padded = new List<byte[]>();
        try
        {
            var parameters = new ECParameters
            {
                Curve = curve,
                Q = new ECPoint { X = Pad(x, size, padded), Y = Pad(y, size, padded) },
                D = Pad(d, size, padded),
            };
            var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportParameters(parameters);
            }
            catch
            {
                ecdsa.Dispose();
                throw;
            }
            return new ServiceAppSigningKey(ecdsa, new ECDsaSecurityKey(ecdsa) { KeyId = kid }, defaultAlg, kid);
        }
        finally
        {
            foreach (var copy in padded) CryptographicOperations.ZeroMemory(copy);
        }
    }

    /// <summary>JWK integers drop leading zeros; the platform import wants them at their full width.</summary>
    private static byte[] Pad(byte[] value, int length, List<byte[]> copies)
    {
        if (value.Length == length) return value;
        if (value.Length > length) throw Malformed();
        var full = new byte[length];
        value.CopyTo(full, length - value.Length);
        copies.Add(full);
        return full;
    }

    private static string PlainString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > 200) throw Malformed();
        return reader.GetString()!;
    }

    private static byte[] Base64UrlMember(ref Utf8JsonReader reader)
    {
        // base64url never needs JSON escapes; refusing them lets us decode the raw bytes without a string copy.
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxMemberBytes)
            throw Malformed();
        var encoded = reader.ValueSpan;
        var decoded = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        if (Base64Url.DecodeFromUtf8(encoded, decoded, out _, out var written) != System.Buffers.OperationStatus.Done || written == 0)
        {
            CryptographicOperations.ZeroMemory(decoded);
            throw Malformed();
        }
        if (written == decoded.Length) return decoded;
        var exact = decoded[..written];
        CryptographicOperations.ZeroMemory(decoded);
        return exact;
    }

    private static OktaCallException Malformed() =>
        new("okta_auth_failed", "The service app's private_key_jwk is not a usable RSA (2048+ bits) or EC (P-256/384/521) private JWK.") { MayHaveReachedOkta = false };

    public void Dispose() => _key.Dispose();
}
