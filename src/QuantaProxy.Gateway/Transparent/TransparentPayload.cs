using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Transparent;

/// <summary>
/// An Okta-shaped request (path arguments, Okta's query names, Okta's user JSON) rewritten as the catalog payload of its
/// operation. It only renames: every value is still checked by <see cref="OktaOperation.Validate"/> in the pipeline, so this
/// translation adds no way around the catalog's bounds. What has no payload name at all is refused here, so an Okta-side
/// name can never land on a payload member (a query <c>user_id</c> cannot replace the path's user).
/// </summary>
public static class TransparentPayload
{
    /// <summary>Okta's query strings are short; past this many parameters the request is not an SDK call.</summary>
    public const int MaxQueryParameters = 32;

    private static readonly Dictionary<string, string> ProfileNames = new(StringComparer.Ordinal)
    {
        ["firstName"] = "first_name",
        ["lastName"] = "last_name",
        ["email"] = "email",
        ["login"] = "login",
        ["mobilePhone"] = "mobile_phone",
    };

    /// <exception cref="TransparentRequestException">A member with no payload name, a repeated parameter, or a body that is not Okta's user JSON.</exception>
    public static JsonElement Build(OktaOperation operation, IReadOnlyList<string> pathArguments, IQueryCollection query, ReadOnlyMemory<byte> body)
    {
        var payload = new JsonObject();
        var fields = operation.PathFields;
        for (var i = 0; i < fields.Count; i++) payload[fields[i]] = pathArguments[i];

        if (query.Count > MaxQueryParameters) throw new TransparentRequestException("query", $"At most {MaxQueryParameters} query parameters are accepted.");
        foreach (var (name, values) in query)
        {
            var parameter = operation.QueryParameters.FirstOrDefault(p => string.Equals(p.OktaName, name, StringComparison.Ordinal))
                            ?? throw new TransparentRequestException($"query.{Bounded(name)}", $"Query parameter '{Bounded(name)}' is not one {operation.Name} accepts.");
            if (values.Count != 1) throw new TransparentRequestException($"query.{parameter.OktaName}", $"Query parameter '{parameter.OktaName}' must appear once.");
            payload[parameter.Field] = Typed(parameter, values[0] ?? "");
        }

        if (operation.Body == OktaBodyKind.None)
        {
            if (!IsEmpty(body)) throw new TransparentRequestException("body", $"{operation.Name} takes no request body.");
        }
        else
        {
            ReadUser(operation, body, payload);
        }
        return JsonSerializer.SerializeToElement(payload);
    }

    // The type the catalog expects, so a well-formed value validates; anything else stays a string and fails validation there.
    private static JsonNode Typed(OktaQueryParameter parameter, string value) => parameter.Kind switch
    {
        OktaParameterKind.WholeNumber when long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        OktaParameterKind.Flag when value is "true" or "false" => JsonValue.Create(value == "true"),
        _ => JsonValue.Create(value),
    };

    private static bool IsEmpty(ReadOnlyMemory<byte> body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body.Span).Trim();
        return text.Length == 0 || text == "{}";
    }

    /// <summary><c>{profile: {firstName, …}, credentials: {password: {value}}}</c> → <c>{profile: {first_name, …}, password}</c>.</summary>
    private static void ReadUser(OktaOperation operation, ReadOnlyMemory<byte> body, JsonObject payload)
    {
        JsonObject user;
        try
        {
            user = JsonNode.Parse(body.Span, documentOptions: new JsonDocumentOptions { MaxDepth = 8 }) as JsonObject
                   ?? throw new TransparentRequestException("body", "The body must be a JSON object.");
        }
        catch (JsonException)
        {
            throw new TransparentRequestException("body", "The body is not valid JSON.");
        }
        foreach (var (name, value) in user)
        {
            switch (name)
            {
                case "profile" when value is JsonObject profile:
                    var mapped = new JsonObject();
                    // Unknown attributes keep their Okta name, so validation names the one it refuses.
                    foreach (var (attribute, attributeValue) in profile) mapped[ProfileNames.GetValueOrDefault(attribute, attribute)] = attributeValue?.DeepClone();
                    payload["profile"] = mapped;
                    break;
                case "credentials" when operation.Body == OktaBodyKind.CreateUser && value is JsonObject credentials
                                        && credentials.Count == 1 && credentials["password"] is JsonObject password && password.Count == 1 && password["value"] is { } secret:
                    payload["password"] = secret.DeepClone();
                    break;
                default:
                    throw new TransparentRequestException($"body.{Bounded(name)}", $"'{Bounded(name)}' is not a member {operation.Name} accepts (profile{(operation.Body == OktaBodyKind.CreateUser ? ", credentials.password.value" : "")}).");
            }
        }
    }

    // A caller's own name, echoed in a refusal, stays short.
    private static string Bounded(string name) => name.Length <= 64 ? name : name[..64] + "…";
}

/// <summary>The request cannot be expressed as its operation's payload; nothing is sent (an Okta-shaped 400).</summary>
public sealed class TransparentRequestException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
