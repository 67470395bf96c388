using System.Text;
using System.Text.Json;
using QuantaProxy.Gateway.Errors;

namespace QuantaProxy.Gateway.Vault;

/// <summary>
/// Reads <c>{credential_type, name, secret}</c> with a <see cref="Utf8JsonReader"/> straight over the request bytes, so
/// the secret never becomes a .NET string (which could not be zeroed): the secret object is copied out as raw UTF-8,
/// checked against its type's shape, and that copy is what gets sealed and then zeroed.
/// </summary>
public static class SealRequestReader
{
    public const int MaxSecretBytes = 16 * 1024;
    private const int MaxFieldBytes = 8 * 1024;

    public sealed class SealRequest
    {
        public string? CredentialType { get; set; }
        public string? Name { get; set; }
        public byte[]? Secret { get; set; }
        public string? TenantId { get; set; }
    }

    public static SealRequest Read(ReadOnlySpan<byte> json, bool requireTypeAndName)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8, CommentHandling = JsonCommentHandling.Disallow });
        var result = new SealRequest();
        try
        {
            Expect(reader.Read() && reader.TokenType == JsonTokenType.StartObject, "The body must be a JSON object.", "$");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (!seen.Add(name)) throw ApiException.BadRequest($"Duplicate property '{Trim(name)}'.", $"$.{Trim(name)}");
                reader.Read();
                switch (name)
                {
                    case "credential_type":
                        Expect(reader.TokenType == JsonTokenType.String, "credential_type must be a string.", "$.credential_type");
                        result.CredentialType = reader.GetString();
                        break;
                    case "name":
                        Expect(reader.TokenType == JsonTokenType.String, "name must be a string.", "$.name");
                        result.Name = reader.GetString();
                        break;
                    case "tenant_id":
                        Expect(reader.TokenType == JsonTokenType.String, "tenant_id must be a string.", "$.tenant_id");
                        result.TenantId = reader.GetString();
                        break;
                    case "secret":
                        Expect(reader.TokenType == JsonTokenType.StartObject, "secret must be a JSON object.", "$.secret");
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        var length = (int)reader.BytesConsumed - start;
                        if (length > MaxSecretBytes) throw new ApiException(413, ProblemCodes.PayloadTooLarge, $"secret is larger than {MaxSecretBytes} bytes.", "$.secret");
                        result.Secret = json.Slice(start, length).ToArray();
                        break;
                    default:
                        throw ApiException.BadRequest($"Unknown field '{Trim(name)}'.", $"$.{Trim(name)}");
                }
            }
            Expect(reader.TokenType == JsonTokenType.EndObject, "Malformed JSON.", "$");
            Expect(!reader.Read(), "Trailing data after the JSON object.", "$");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException is how the reader reports a string that is not valid UTF-8 or Unicode once it
            // is materialised (RequestBody refuses such bodies first; this keeps the reader safe on its own).
            if (result.Secret is not null) System.Security.Cryptography.CryptographicOperations.ZeroMemory(result.Secret);
            throw new ApiException(400, ProblemCodes.InvalidJson, "Malformed JSON.", "$");
        }
        catch
        {
            if (result.Secret is not null) System.Security.Cryptography.CryptographicOperations.ZeroMemory(result.Secret);
            throw;
        }
        if (result.Secret is null)
            throw new ApiException(400, ProblemCodes.InvalidRequest, "secret is required.", "$.secret");
        if (requireTypeAndName && result.CredentialType is null) { Zero(result); throw ApiException.BadRequest("credential_type is required.", "$.credential_type"); }
        if (requireTypeAndName && result.Name is null) { Zero(result); throw ApiException.BadRequest("name is required.", "$.name"); }
        return result;
    }

    /// <summary>Checks the secret against its type's shape (FORMATS.md §2) without materialising any value as a string.</summary>
    public static void ValidateSecret(string credentialType, ReadOnlySpan<byte> secret)
    {
        string[] required, optional = [];
        switch (credentialType)
        {
            case CredentialTypes.ApiKey: required = ["token"]; break;
            case CredentialTypes.OAuth2Client: required = ["client_id", "client_secret"]; break;
            case CredentialTypes.PrivateKeyJwt: required = ["client_id", "private_key_jwk"]; optional = ["kid"]; break;
            default: throw ApiException.BadRequest("credential_type must be api_key, oauth2_client or private_key_jwt.", "$.credential_type");
        }
        try
        {
            ValidateMembers(credentialType, secret, required, optional);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new ApiException(400, ProblemCodes.InvalidJson, "Malformed JSON in secret.", "$.secret");
        }
    }

    private static void ValidateMembers(string credentialType, ReadOnlySpan<byte> secret, string[] required, string[] optional)
    {
        var reader = new Utf8JsonReader(secret, new JsonReaderOptions { MaxDepth = 4 });
        var seen = new HashSet<string>(StringComparer.Ordinal);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            var field = $"$.secret.{Trim(name)}";
            if (!required.Contains(name) && !optional.Contains(name)) throw ApiException.BadRequest($"Unknown field for {credentialType}.", field);
            if (!seen.Add(name)) throw ApiException.BadRequest("Duplicate property.", field);
            reader.Read();
            if (name == "private_key_jwk")
            {
                Expect(reader.TokenType == JsonTokenType.StartObject, "private_key_jwk must be a JWK object.", field);
                ValidateJwk(ref reader, field);
                continue;
            }
            Expect(reader.TokenType == JsonTokenType.String, "Must be a string.", field);
            Expect(reader.ValueSpan.Length is > 0 and <= MaxFieldBytes, "Must be a non-empty string of at most 8 KiB.", field);
            Expect(!HasControlCharacter(ref reader), "Must not contain control characters.", field);
        }
        foreach (var name in required)
            if (!seen.Contains(name)) throw ApiException.BadRequest($"{credentialType} needs secret.{name}.", $"$.secret.{name}");
    }

    /// <summary>
    /// Looks at the value as it will be used, after unescaping, so <c>\u0001</c> is refused like a raw 0x01; the
    /// unescaped copy is a secret and is zeroed.
    /// </summary>
    private static bool HasControlCharacter(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped) return HasControlByte(reader.ValueSpan);
        var scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            return HasControlByte(scratch.AsSpan(0, reader.CopyString(scratch)));
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(scratch);
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>C0 controls and DEL; in UTF-8 a C1 control (U+0080..U+009F) is 0xC2 followed by 0x80..0x9F.</summary>
    private static bool HasControlByte(ReadOnlySpan<byte> utf8)
    {
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b < 0x20 || b == 0x7F) return true;
            if (b == 0xC2 && i + 1 < utf8.Length && utf8[i + 1] is >= 0x80 and <= 0x9F) return true;
        }
        return false;
    }

    private static void ValidateJwk(ref Utf8JsonReader reader, string field)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        string? kty = null, crv = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            if (!members.Add(name)) throw ApiException.BadRequest("Duplicate JWK member.", $"{field}.{Trim(name)}");
            reader.Read();
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }
            // kty and crv are public algorithm names, safe to read as strings.
            if (name == "kty" && reader.TokenType == JsonTokenType.String) kty = reader.GetString();
            if (name == "crv" && reader.TokenType == JsonTokenType.String) crv = reader.GetString();
        }
        var ok = kty switch
        {
            "RSA" => members.IsSupersetOf(["n", "e", "d", "p", "q"]),
            "EC" => crv is "P-256" or "P-384" or "P-521" && members.IsSupersetOf(["x", "y", "d"]),
            _ => false,
        };
        Expect(ok, "private_key_jwk must be an RSA (n, e, d, p, q) or EC P-256/384/521 (x, y, d) private JWK.", field);
    }

    private static void Expect(bool condition, string message, string field)
    {
        if (!condition) throw ApiException.BadRequest(message, field);
    }

    private static void Zero(SealRequest r)
    {
        if (r.Secret is not null) System.Security.Cryptography.CryptographicOperations.ZeroMemory(r.Secret);
    }

    /// <summary>Field names are echoed in errors, so they are bounded and stripped of anything unprintable.</summary>
    private static string Trim(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name.AsSpan(0, Math.Min(name.Length, 64)))
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '?');
        return sb.ToString();
    }
}
