using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Okta.Authentication;

/// <summary>
/// An unsealed integration credential, held as bytes and zeroed on dispose. Never printed: <see cref="ToString"/> names
/// only its type and version, and parse failures never quote the input.
/// </summary>
public sealed class OktaCredential : IDisposable
{
    public const string ApiKey = "api_key";
    public const string PrivateKeyJwt = "private_key_jwt";
    public const string OAuth2Client = "oauth2_client";
    private const int MaxSecretBytes = 16 * 1024;

    private byte[]? _token;
    private byte[]? _clientSecret;
    private byte[]? _privateKeyJwk;

    private OktaCredential(string credentialType, int version)
    {
        CredentialType = credentialType;
        Version = version;
    }

    public string CredentialType { get; }
    public int Version { get; }
    public string? ClientId { get; private set; }
    public string? KeyId { get; private set; }
    public bool IsDisposed { get; private set; }

    public static OktaCredential Parse(string credentialType, int version, ReadOnlySpan<byte> plaintextJson)
    {
        if (credentialType is not (ApiKey or PrivateKeyJwt or OAuth2Client))
            throw new OktaCallException("okta_auth_failed", "The integration's credential has a type Okta calls cannot use.") { MayHaveReachedOkta = false };
        var credential = new OktaCredential(credentialType, version);
        try
        {
            credential.Read(plaintextJson);
            credential.Check();
            return credential;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            credential.Dispose();
            throw new OktaCallException("okta_auth_failed", $"The integration's {credentialType} credential is not well formed.") { MayHaveReachedOkta = false };
        }
        catch
        {
            credential.Dispose();
            throw;
        }
    }

    /// <summary>The <c>Authorization</c> value for an <c>api_key</c> credential.</summary>
    internal string SswsAuthorization()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return "SSWS " + Encoding.ASCII.GetString(_token!);
    }

    /// <summary>
    /// The <c>Authorization</c> value of an <c>oauth2_client</c> credential at the token endpoint: <c>Basic</c> with the
    /// form-urlencoded client id and secret (RFC 6749 §2.3.1), so a secret with <c>:</c> or <c>%</c> reaches Okta intact.
    /// </summary>
    internal string ClientSecretBasicAuthorization()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var pair = Encoding.UTF8.GetBytes(FormEncode(ClientId!) + ":" + FormEncode(Encoding.UTF8.GetString(_clientSecret!)));
        try
        {
            return "Basic " + Convert.ToBase64String(pair);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pair);
        }
    }

    private static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    /// <summary>The private JWK (JSON) of a <c>private_key_jwt</c> credential; the caller must not keep it.</summary>
    internal ReadOnlySpan<byte> PrivateKeyJwkJson
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _privateKeyJwk;
        }
    }

    private void Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName) throw new JsonException();
            var name = reader.GetString();
            if (!reader.Read()) throw new JsonException();
            switch (name)
            {
                case "token" when CredentialType == ApiKey:
                    Assign(ref _token, SecretBytes(ref reader));
                    break;
                case "client_secret" when CredentialType == OAuth2Client:
                    Assign(ref _clientSecret, SecretBytes(ref reader));
                    break;
                case "client_id" when CredentialType != ApiKey:
                    if (ClientId is not null || reader.TokenType != JsonTokenType.String) throw new JsonException();
                    ClientId = reader.GetString();
                    break;
                case "kid" when CredentialType == PrivateKeyJwt:
                    if (KeyId is not null || reader.TokenType != JsonTokenType.String) throw new JsonException();
                    KeyId = reader.GetString();
                    break;
                case "private_key_jwk" when CredentialType == PrivateKeyJwt:
                    if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException();
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    Assign(ref _privateKeyJwk, json[start..((int)reader.TokenStartIndex + 1)].ToArray());
                    break;
                default:
                    throw new JsonException();
            }
        }
    }

    private void Check()
    {
        switch (CredentialType)
        {
            case ApiKey:
                if (_token is null || _token.Length is 0 or > 1024 || _token.Any(b => b is < 0x21 or > 0x7E)) throw new JsonException();
                break;
            case OAuth2Client:
                if (_clientSecret is null || _clientSecret.Length == 0 || !IsClientId(ClientId)) throw new JsonException();
                break;
            case PrivateKeyJwt:
                if (_privateKeyJwk is null || !IsClientId(ClientId)) throw new JsonException();
                if (KeyId is not null && (KeyId.Length is 0 or > 200 || KeyId.Any(char.IsControl))) throw new JsonException();
                break;
        }
    }

    private static bool IsClientId(string? clientId) => clientId is { Length: > 0 and <= 200 } && clientId.All(c => c is >= '!' and <= '~');

    private static byte[] SecretBytes(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException();
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > MaxSecretBytes) throw new JsonException();
        var buffer = new byte[length];
        var written = reader.CopyString(buffer);
        if (written == buffer.Length) return buffer;
        var exact = buffer[..written];
        CryptographicOperations.ZeroMemory(buffer);
        return exact;
    }

    private static void Assign(ref byte[]? slot, byte[] value)
    {
        if (slot is not null)
        {
            CryptographicOperations.ZeroMemory(value);
            throw new JsonException();
        }
        slot = value;
    }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        if (_token is not null) CryptographicOperations.ZeroMemory(_token);
        if (_clientSecret is not null) CryptographicOperations.ZeroMemory(_clientSecret);
        if (_privateKeyJwk is not null) CryptographicOperations.ZeroMemory(_privateKeyJwk);
    }

    public override string ToString() => $"OktaCredential({CredentialType}, v{Version})";
}
