using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using QuantaProxy.Gateway.Telemetry;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Okta.Authentication;

/// <summary>
/// Service-app access tokens for <c>private_key_jwt</c> credentials: <c>client_credentials</c> on the org authorization
/// server with a client assertion and a DPoP proof (answering Okta's <c>use_dpop_nonce</c> round). One token per
/// integration, reused until 60 s before it expires, renewed by one caller while the others wait for that renewal, and
/// renewed early when Okta answers 401. Fails closed: once a token is due for renewal or was refused it is dropped
/// before the renewal starts, so a failed renewal can never leave a stale token in use.
/// </summary>
public sealed class OktaTokenProvider(OktaHttpClients clients, TimeProvider time)
{
    private static readonly System.Buffers.SearchValues<byte> OAuthErrorCodeBytes = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_"u8);

    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private const int MaxTokenResponseBytes = 64 * 1024;
    private const int MaxAccessTokenLength = 8 * 1024;
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    // The semaphore never has a waiter handle allocated (no AvailableWaitHandle use), so it holds nothing to dispose.
#pragma warning disable CA1001
    private sealed class Slot
#pragma warning restore CA1001
    {
        public readonly SemaphoreSlim Renewal = new(1, 1);
        public (string Binding, OktaAccessToken Token)? Current;
    }

    /// <summary>
    /// A usable token for this integration, requesting one when none is cached, the cached one is due for renewal, or it
    /// is <paramref name="refused"/> (Okta just answered 401 to it).
    /// </summary>
    internal async ValueTask<OktaAccessToken> GetAsync(OktaCallContext context, OktaCredential credential, OktaAccessToken? refused, CancellationToken ct)
    {
        var binding = Binding(context, credential.Version);
        var slot = _slots.GetOrAdd(context.IntegrationId, static _ => new Slot());
        if (Usable(slot, binding, refused) is { } cached)
        {
            GatewayTelemetry.OktaTokenCache.Add(1, new KeyValuePair<string, object?>("result", "hit"));
            return cached;
        }
        await slot.Renewal.WaitAsync(ct);
        try
        {
            // Whoever held the renewal before us may already have a fresh token.
            if (Usable(slot, binding, refused) is { } renewed)
            {
                GatewayTelemetry.OktaTokenCache.Add(1, new KeyValuePair<string, object?>("result", "hit"));
                return renewed;
            }
            GatewayTelemetry.OktaTokenCache.Add(1, new KeyValuePair<string, object?>("result", "miss"));
            slot.Current = null;
            var token = await RequestAsync(context, credential, ct);
            slot.Current = (binding, token);
            return token;
        }
        finally
        {
            slot.Renewal.Release();
        }
    }

    /// <summary>
    /// The cached token of a service-app integration, when one is usable, without unsealing the credential: the
    /// credential's row is still read on every call, so a destroyed or rotated credential stops its token at once, on
    /// every replica. Null for integrations that never had a token (api_key ones cost nothing extra here).
    /// </summary>
    internal async ValueTask<OktaAccessToken?> TryGetCachedAsync(OktaCallContext context, CancellationToken ct)
    {
        if (!_slots.TryGetValue(context.IntegrationId, out var slot) || slot.Current is null) return null;
        var head = await context.FindCredential(ct);
        if (head.CredentialType is not (OktaCredential.PrivateKeyJwt or OktaCredential.OAuth2Client)) return null;
        var token = Usable(slot, Binding(context, head.Version), refused: null);
        if (token is not null) GatewayTelemetry.OktaTokenCache.Add(1, new KeyValuePair<string, object?>("result", "hit"));
        return token;
    }

    /// <summary>A new credential version, client or scope set must never reuse a token obtained for the old one.</summary>
    private static string Binding(OktaCallContext context, int credentialVersion) =>
        string.Join('\n', context.OktaBaseUri.GetLeftPart(UriPartial.Authority), context.CredentialId,
            credentialVersion.ToString(CultureInfo.InvariantCulture), string.Join(' ', context.Scopes));

    /// <summary>Forgets an integration's token (integration deleted or changed).</summary>
    public void Forget(string integrationId) => _slots.TryRemove(integrationId, out _);

    private OktaAccessToken? Usable(Slot slot, string binding, OktaAccessToken? refused) =>
        slot.Current is { } current && current.Binding == binding && !ReferenceEquals(current.Token, refused) && current.Token.UsableAt(time.GetUtcNow())
            ? current.Token
            : null;

    private async Task<OktaAccessToken> RequestAsync(OktaCallContext context, OktaCredential credential, CancellationToken ct)
    {
        using var activity = GatewayTelemetry.Source.StartActivity("okta.token");
        activity?.SetTag("qp.integration_id", context.IntegrationId);
        var endpoint = new Uri(context.OktaBaseUri, "/oauth2/v1/token");
        var dpopKey = new DpopProofKey();
        var bound = false;
        try
        {
            var token = await RequestWithKeyAsync(context, credential, endpoint, dpopKey, activity, ct);
            bound = token.DpopKey is not null;
            return token;
        }
        finally
        {
            if (!bound) dpopKey.Dispose();
        }
    }

    private async Task<OktaAccessToken> RequestWithKeyAsync(OktaCallContext context, OktaCredential credential, Uri endpoint, DpopProofKey dpopKey, Activity? activity, CancellationToken ct)
    {
        string? nonce = null;
        for (var round = 0; ; round++)
        {
            var now = time.GetUtcNow();
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = TokenForm(context, credential, endpoint, now) };
            // An API service integration with a client secret authenticates with client_secret_basic (RFC 6749 §2.3.1).
            if (credential.CredentialType == OktaCredential.OAuth2Client) request.Headers.TryAddWithoutValidation("Authorization", credential.ClientSecretBasicAuthorization());
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.UserAgent.ParseAdd(OktaConnector.UserAgent);
            request.Headers.Add("DPoP", dpopKey.CreateProof("POST", endpoint.AbsoluteUri, now, nonce));

            HttpResponseMessage response;
            try
            {
                response = await clients.For(context.OktaBaseUri).SendAsync(request, ct);
            }
            catch (HttpRequestException e)
            {
                activity?.SetTag("qp.outcome", "unreachable");
                GatewayTelemetry.OktaTokenRequests.Add(1, new KeyValuePair<string, object?>("outcome", "unreachable"));
                // The Management API was not called, whatever happened to the token request.
                throw new OktaTransportException(mayHaveReachedOkta: false, e);
            }
            using (response)
            {
                var body = await ReadBoundedAsync(response, ct);
                var headers = new HeaderDictionary();
                foreach (var (name, values) in response.Headers) headers[name] = values.ToArray();
                var error = response.IsSuccessStatusCode ? null : OAuthError(body);
                if (error == "use_dpop_nonce" && round == 0 && response.Headers.TryGetValues("DPoP-Nonce", out var nonces) && nonces.FirstOrDefault() is { Length: > 0 and <= 512 } fresh)
                {
                    GatewayTelemetry.OktaTokenRequests.Add(1, new KeyValuePair<string, object?>("outcome", "use_dpop_nonce"));
                    nonce = fresh;
                    continue;
                }
                var outcome = response.IsSuccessStatusCode ? "issued" : error ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                activity?.SetTag("qp.outcome", outcome);
                GatewayTelemetry.OktaTokenRequests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
                if ((int)response.StatusCode >= 500)
                    throw new OktaTransportException(mayHaveReachedOkta: false, new HttpRequestException($"Okta's token endpoint answered {(int)response.StatusCode}."));
                if (!response.IsSuccessStatusCode)
                    throw new OktaTokenRefusedException((int)response.StatusCode, headers, body, error);
                try
                {
                    return ParseToken(body, dpopKey, now);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(body);
                }
            }
        }
    }

    /// <summary>The client_credentials request: with a client assertion for private_key_jwt, nothing more for a client secret (sent as Basic).</summary>
    private static FormUrlEncodedContent TokenForm(OktaCallContext context, OktaCredential credential, Uri endpoint, DateTimeOffset now) =>
        credential.CredentialType == OktaCredential.OAuth2Client
            ? new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", string.Join(' ', context.Scopes))])
            : new FormUrlEncodedContent(
            [
                new("grant_type", "client_credentials"),
                new("scope", string.Join(' ', context.Scopes)),
                new("client_assertion_type", AssertionType),
                new("client_assertion", OktaClientAssertion.Create(credential, endpoint, now)),
            ]);

    private static OktaAccessToken ParseToken(byte[] body, DpopProofKey dpopKey, DateTimeOffset issuedAt)
    {
        string? type = null, value = null;
        long? expiresIn = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "token_type" when reader.TokenType == JsonTokenType.String: type = reader.GetString(); break;
                    case "access_token" when reader.TokenType == JsonTokenType.String: value = reader.GetString(); break;
                    case "expires_in" when reader.TokenType == JsonTokenType.Number: expiresIn = reader.TryGetInt64(out var n) ? n : null; break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (JsonException)
        {
            value = null;
        }
        if (value is not { Length: > 0 and <= MaxAccessTokenLength } || !value.All(c => c is >= '!' and <= '~') || expiresIn is not (> 0 and <= 86_400))
            throw new OktaCallException("okta_auth_failed", "Okta's token endpoint answered without a usable access token.") { MayHaveReachedOkta = false };
        var lifetime = TimeSpan.FromSeconds(expiresIn.Value);
        return string.Equals(type, "DPoP", StringComparison.OrdinalIgnoreCase) ? new OktaAccessToken(value, dpopKey, issuedAt, lifetime)
            : string.Equals(type, "Bearer", StringComparison.OrdinalIgnoreCase) ? new OktaAccessToken(value, null, issuedAt, lifetime)
            : throw new OktaCallException("okta_auth_failed", "Okta's token endpoint answered with an unknown token_type.") { MayHaveReachedOkta = false };
    }

    private static string? OAuthError(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isError = reader.ValueTextEquals("error");
                reader.Read();
                // Okta's error codes are short snake_case words; anything else (it ends up in exception messages and
                // logs) is not repeated.
                if (isError)
                    return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length is > 0 and <= 64
                           && reader.ValueSpan.IndexOfAnyExcept(OAuthErrorCodeBytes) < 0
                        ? reader.GetString()
                        : null;
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > MaxTokenResponseBytes) throw TooLarge();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxTokenResponseBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.ToArray();
        // The answer carries the access token: leave no copy of it in the growable buffer.
        CryptographicOperations.ZeroMemory(buffer.GetBuffer());
        return bytes;
    }

    private static OktaCallException TooLarge() =>
        new("okta_auth_failed", "Okta's token endpoint answer exceeded the size limit.") { MayHaveReachedOkta = false };
}
