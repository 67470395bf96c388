using System.Text;
using System.Text.Json;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Okta.Catalog;

/// <summary>
/// One entry of the operation catalog: what Okta call it is, what it needs, and which payload members it accepts.
/// <see cref="Validate"/> is the only way a payload becomes an Okta request, so nothing unchecked reaches Okta.
/// </summary>
public sealed class OktaOperation
{
    private static readonly Dictionary<string, string> PathParameterFields = new(StringComparer.Ordinal)
    {
        ["userId"] = "user_id",
        ["groupId"] = "group_id",
        ["appId"] = "app_id",
        ["roleAssignmentId"] = "role_assignment_id",
        ["clientId"] = "client_id",
        ["roleIdOrLabel"] = "role_id",
        ["resourceSetIdOrLabel"] = "resource_set_id",
        ["policyId"] = "policy_id",
        ["eventHookId"] = "event_hook_id",
        ["authServerId"] = "authorization_server_id",
        ["trustedOriginId"] = "trusted_origin_id",
        ["groupRuleId"] = "group_rule_id",
        ["zoneId"] = "zone_id",
        ["idpId"] = "idp_id",
        ["authenticatorId"] = "authenticator_id",
    };

    private readonly IReadOnlyList<(string Placeholder, string Field)> _pathParameters;
    private readonly HashSet<string> _allowedFields;

    public OktaOperation(string name, HttpMethod method, string pathTemplate, IReadOnlyList<string> requiredScopes,
        OktaOperationTraits traits, IReadOnlyList<OktaQueryParameter>? query = null, OktaBodyKind body = OktaBodyKind.None)
    {
        if (traits.HasFlag(OktaOperationTraits.Destructive) && !traits.HasFlag(OktaOperationTraits.Mutating))
            throw new ArgumentException($"{name}: a destructive operation is mutating.", nameof(traits));
        Name = name;
        Method = method;
        PathTemplate = pathTemplate;
        RequiredScopes = requiredScopes;
        Traits = traits;
        QueryParameters = query ?? [];
        Body = body;
        var parameters = new List<(string, string)>();
        foreach (var segment in pathTemplate.Split('/'))
        {
            if (segment.Length > 2 && segment[0] == '{' && segment[^1] == '}')
            {
                var placeholder = segment[1..^1];
                parameters.Add((placeholder, PathParameterFields[placeholder]));
            }
        }
        _pathParameters = parameters;
        _allowedFields = new HashSet<string>(parameters.Select(p => p.Item2).Concat(QueryParameters.Select(q => q.Field)), StringComparer.Ordinal);
        if (traits.HasFlag(OktaOperationTraits.Paginated)) _allowedFields.Add(CursorField);
        if (body != OktaBodyKind.None) _allowedFields.Add("profile");
        if (body == OktaBodyKind.CreateUser) _allowedFields.Add("password");
    }

    /// <summary>The payload member that carries a <c>next_cursor</c> of a paginated operation.</summary>
    public const string CursorField = "cursor";

    public string Name { get; }
    public HttpMethod Method { get; }
    public string PathTemplate { get; }
    public IReadOnlyList<string> RequiredScopes { get; }
    public OktaOperationTraits Traits { get; }
    /// <summary>Sending it twice has the effect of sending it once, so a 5xx or transport failure may be retried.</summary>
    public bool Idempotent => Traits.HasFlag(OktaOperationTraits.Idempotent);
    public bool Mutating => Traits.HasFlag(OktaOperationTraits.Mutating);
    public bool Destructive => Traits.HasFlag(OktaOperationTraits.Destructive);
    public bool Paginated => Traits.HasFlag(OktaOperationTraits.Paginated);

    public OktaRiskClass Risk => Destructive ? OktaRiskClass.Destructive : Mutating ? OktaRiskClass.Write : OktaRiskClass.Read;

    /// <summary>The path parameters, in template order, as payload field names.</summary>
    public IReadOnlyList<string> PathFields => _pathParameters.Select(p => p.Field).ToList();
    public IReadOnlyList<OktaQueryParameter> QueryParameters { get; }
    public OktaBodyKind Body { get; }
    public IReadOnlyCollection<string> PayloadFields => _allowedFields;

    /// <summary>Checks <paramref name="payload"/> (absent means <c>{}</c>) and builds the encoded Okta request.</summary>
    /// <exception cref="PayloadValidationException">The payload is not acceptable; nothing may be sent.</exception>
    public ValidatedOktaRequest Validate(JsonElement payload)
    {
        Dictionary<string, JsonElement> members = payload.ValueKind == JsonValueKind.Undefined
            ? new Dictionary<string, JsonElement>(StringComparer.Ordinal)
            : OktaPayloadRules.Members(payload, "payload", _allowedFields);

        var path = new StringBuilder(PathTemplate.Length + 64);
        path.Append(PathTemplate);
        var arguments = new string[_pathParameters.Count];
        var typed = new List<OktaArgument>(members.Count);
        for (var i = 0; i < _pathParameters.Count; i++)
        {
            var (placeholder, field) = _pathParameters[i];
            if (!members.TryGetValue(field, out var value))
                throw new PayloadValidationException($"payload.{field}", $"payload.{field} is required.");
            var id = OktaPayloadRules.Id(value, $"payload.{field}");
            arguments[i] = id;
            typed.Add(new OktaArgument(field, OktaArgumentLocation.Path, id));
            path.Replace("{" + placeholder + "}", Uri.EscapeDataString(id));
        }

        var cursor = ReadCursor(members);
        var separator = '?';
        foreach (var parameter in QueryParameters)
        {
            var field = $"payload.{parameter.Field}";
            // A next_cursor sent as after (as next_cursor was Okta's after before it became a cursor) is the cursor, not Okta's after.
            if (cursor is not null && parameter.Field == "after") continue;
            if (!members.TryGetValue(parameter.Field, out var value))
            {
                // With a cursor, the continued query supplies what is required.
                if (parameter.Required && cursor is null) throw new PayloadValidationException(field, $"{field} is required.");
                continue;
            }
            object typedValue = parameter.Kind switch
            {
                OktaParameterKind.WholeNumber => (long)OktaPayloadRules.Integer(value, field, parameter.Min, parameter.Max),
                OktaParameterKind.Flag => OktaPayloadRules.Boolean(value, field),
                OktaParameterKind.Timestamp => OktaPayloadRules.Timestamp(value, field),
                OktaParameterKind.SortOrder => OktaPayloadRules.SortOrder(value, field),
                OktaParameterKind.Choice => OktaPayloadRules.Choice(value, field, parameter.Choices!),
                _ => OktaPayloadRules.String(value, field, parameter.MaxLength),
            };
            typed.Add(new OktaArgument(parameter.Field, OktaArgumentLocation.Query, typedValue));
            var text = typedValue switch
            {
                long number => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                bool flag => flag ? "true" : "false",
                _ => (string)typedValue,
            };
            path.Append(separator).Append(parameter.OktaName).Append('=').Append(Uri.EscapeDataString(text));
            separator = '&';
        }

        var body = Body switch
        {
            OktaBodyKind.CreateUser => OktaUserBody.Create(members),
            OktaBodyKind.UpdateUser => OktaUserBody.Update(members),
            _ => null,
        };
        if (body is not null && members.TryGetValue("profile", out var profile)) typed.Add(new OktaArgument("profile", OktaArgumentLocation.Body, OktaUserBody.ProfileArguments(profile)));
        var request = new ValidatedOktaRequest(Method, path.ToString(), body) { PathTemplate = PathTemplate, PathArguments = arguments, Arguments = typed, Cursor = cursor };
        // Whatever the id rules let through, a path that Uri would rewrite never leaves the gateway.
        if (!OktaWirePath.SurvivesUriParsing(request))
            throw new PayloadValidationException("payload", "payload has a path value that would change the request's path.");
        return request;
    }

    /// <summary>The <c>next_cursor</c> in <c>cursor</c>, or in <c>after</c> when it has the cursor's form; null when there is none.</summary>
    private string? ReadCursor(Dictionary<string, JsonElement> members)
    {
        if (!Paginated) return null;
        string? fromAfter = null;
        if (members.TryGetValue("after", out var after) && after.ValueKind == JsonValueKind.String && after.GetString()!.StartsWith(OktaCursors.Prefix, StringComparison.Ordinal))
            fromAfter = OktaPayloadRules.String(after, "payload.after", OktaCursors.MaxCursorLength);
        if (!members.TryGetValue(CursorField, out var value)) return fromAfter;
        if (fromAfter is not null) throw new PayloadValidationException("payload.after", "payload.after and payload.cursor cannot both carry a cursor.");
        var text = OktaPayloadRules.String(value, "payload.cursor", OktaCursors.MaxCursorLength);
        if (!text.StartsWith(OktaCursors.Prefix, StringComparison.Ordinal))
            throw new PayloadValidationException("payload.cursor", "payload.cursor must be the next_cursor of an earlier answer.");
        return text;
    }

    public override string ToString() => $"{Name} ({Method} {PathTemplate})";
}
