using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.Tenants;
using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>
/// <c>next_cursor</c> as an exact continuation: <c>qpc1.</c> + base64url(Okta's next-link query) + <c>.</c> + base64url(HMAC-SHA-256
/// tag), the tag binding tenant, integration, operation and the request path (with its path arguments) to that query. The
/// key is derived from the tenant's HMAC key, so every replica accepts every other's cursors and nothing is stored. The
/// query is readable (it is the caller's own query plus Okta's <c>after</c>); the tag gives integrity and binding, not secrecy.
/// A tenant holding its HMAC key could mint cursors for its own integrations, which grants nothing: a resolved cursor is
/// validated against the catalog like any payload, so it cannot carry a parameter or a value the caller could not send.
/// </summary>
public sealed class OktaCursors(TenantKeyRing keys)
{
    public const string Prefix = "qpc1.";
    /// <summary>Okta's next-link query, at most the size of a Link value the gateway reads (<see cref="LinkHeader"/>).</summary>
    public const int MaxQueryBytes = 8192;
    public const int MaxCursorLength = 11_000;
    private const int TagBytes = 32;
    private static readonly byte[] KeyLabel = "quantaproxy/okta-cursor/v1"u8.ToArray();

    /// <summary>A cursor continuing <paramref name="request"/> with the query of Okta's next link, or null when the link cannot be continued exactly.</summary>
    public async ValueTask<string?> IssueAsync(OktaCallContext context, OktaOperation operation, ValidatedOktaRequest request, string nextLink, CancellationToken ct)
    {
        if (!Uri.TryCreate(nextLink, UriKind.Absolute, out var link)) return null;
        var path = PathOf(request.PathAndQuery);
        // Okta's next link repeats the request's path; a link elsewhere is not a continuation of this operation.
        if (!string.Equals(link.AbsolutePath, path, StringComparison.Ordinal)) return null;
        var query = link.Query.TrimStart('?');
        if (query.Length == 0 || Encoding.UTF8.GetByteCount(query) > MaxQueryBytes) return null;
        // Issue only what will resolve: a query outside the catalog (a parameter Okta added) is not continued.
        try
        {
            Resolve(operation, request, query);
        }
        catch (OktaCursorException)
        {
            return null;
        }
        var tag = await TagAsync(context.TenantId, context.IntegrationId, operation.Name, path, query, ct);
        return Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(query)) + "." + Base64Url.EncodeToString(tag);
    }

    /// <summary>
    /// <paramref name="request"/> itself when it carries no cursor; otherwise the request the cursor continues, validated again
    /// by the catalog, after checking that the cursor was issued for this call and that the caller's other members agree with it.
    /// </summary>
    /// <exception cref="OktaCursorException">The cursor is not valid here, or a member contradicts it.</exception>
    public async ValueTask<ValidatedOktaRequest> ResolveAsync(string tenantId, string integrationId, OktaOperation operation, ValidatedOktaRequest request, CancellationToken ct)
    {
        if (request.Cursor is not { } cursor) return request;
        var query = Decode(cursor, out var tag);
        var expected = await TagAsync(tenantId, integrationId, operation.Name, PathOf(request.PathAndQuery), query, ct);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
            throw InvalidCursor("payload.cursor is not a next_cursor this gateway issued for this integration, operation and path (or the tenant's keys were rotated since); list again without it.");
        var resolved = Resolve(operation, request, query);
        foreach (var argument in request.Arguments.Where(a => a.Location == OktaArgumentLocation.Query))
        {
            var continued = resolved.Arguments.FirstOrDefault(a => a.Name == argument.Name && a.Location == OktaArgumentLocation.Query);
            if (continued is null || !Equals(continued.Value, argument.Value))
                throw new OktaCursorException(OktaCursorException.Conflict, $"payload.{argument.Name}",
                    $"payload.{argument.Name} differs from the query the cursor continues; send the cursor alone (with the path arguments) to get the next page.");
        }
        return resolved;
    }

    private static string PathOf(string pathAndQuery)
    {
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? pathAndQuery : pathAndQuery[..q];
    }

    private static string Decode(string cursor, out byte[] tag)
    {
        tag = [];
        var dot = cursor.IndexOf('.', Prefix.Length);
        if (!cursor.StartsWith(Prefix, StringComparison.Ordinal) || cursor.Length > MaxCursorLength || dot < 0)
            throw InvalidCursor("payload.cursor is not a next_cursor.");
        try
        {
            var query = Base64Url.DecodeFromChars(cursor.AsSpan(Prefix.Length, dot - Prefix.Length));
            tag = Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1));
            if (tag.Length != TagBytes || query.Length is 0 or > MaxQueryBytes) throw InvalidCursor("payload.cursor is not a next_cursor.");
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(query);
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw InvalidCursor("payload.cursor is not a next_cursor.");
        }
    }

    /// <summary>The request Okta's next-link <paramref name="query"/> makes, on the same path, through the catalog's validation.</summary>
    private static ValidatedOktaRequest Resolve(OktaOperation operation, ValidatedOktaRequest request, string query)
    {
        var payload = new JsonObject();
        foreach (var argument in request.Arguments.Where(a => a.Location == OktaArgumentLocation.Path))
            payload[argument.Name] = (string)argument.Value;
        foreach (var pair in query.Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw InvalidCursor("payload.cursor continues a query the catalog does not accept.");
            var name = Uri.UnescapeDataString(pair[..equals].Replace('+', ' '));
            var value = Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            var parameter = operation.QueryParameters.FirstOrDefault(p => p.OktaName == name);
            if (parameter is null || payload.ContainsKey(parameter.Field))
                throw InvalidCursor("payload.cursor continues a query the catalog does not accept.");
            payload[parameter.Field] = parameter.Kind switch
            {
                OktaParameterKind.WholeNumber when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) => (JsonNode)number,
                OktaParameterKind.Flag when value is "true" or "false" => (JsonNode)(value == "true"),
                OktaParameterKind.WholeNumber or OktaParameterKind.Flag => throw InvalidCursor("payload.cursor continues a query the catalog does not accept."),
                _ => (JsonNode)value,
            };
        }
        try
        {
            var resolved = operation.Validate(JsonSerializer.SerializeToElement(payload));
            if (resolved.Cursor is not null) throw InvalidCursor("payload.cursor continues a query the catalog does not accept.");
            return resolved;
        }
        catch (PayloadValidationException)
        {
            throw InvalidCursor("payload.cursor continues a query the catalog does not accept.");
        }
    }

    private async ValueTask<byte[]> TagAsync(string tenantId, string integrationId, string operation, string path, string query, CancellationToken ct)
    {
        var tenantKeys = await keys.GetKeysAsync(tenantId, ct);
        var hmacKey = await keys.CopyHmacKeyAsync(tenantKeys.Active(TenantKeyPurpose.EnvelopeHmac), ct);
        var cursorKey = HMACSHA256.HashData(hmacKey, KeyLabel);
        CryptographicOperations.ZeroMemory(hmacKey);
        try
        {
            // Newline-separated: ids, names and percent-encoded paths and queries cannot contain one.
            var message = Encoding.UTF8.GetBytes(string.Join('\n', "v1", tenantId, integrationId, operation, path, query));
            return HMACSHA256.HashData(cursorKey, message);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(cursorKey);
        }
    }

    private static OktaCursorException InvalidCursor(string message) => new(OktaCursorException.Invalid, "payload.cursor", message);
}
