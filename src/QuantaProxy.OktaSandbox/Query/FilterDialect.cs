using System.Collections.Frozen;

namespace QuantaProxy.OktaSandbox.Query;

/// <summary>What one attribute allows in an expression: its operators, and whether its values are instants.</summary>
internal sealed record AttributeRule(FrozenSet<FilterOperator> Operators, bool IsDate = false);

/// <summary>
/// One endpoint parameter's flavour of Okta's filter language: which attributes it knows, which operators each takes, whether
/// string values compare case-sensitively, and whether <c>not</c> is allowed. Anything outside it is Okta's 400 E0000031.
/// </summary>
internal sealed class FilterDialect(Func<string, AttributeRule?> attribute, bool caseSensitiveValues, bool allowsNot = false)
{
    public bool CaseSensitiveValues { get; } = caseSensitiveValues;
    public bool AllowsNot { get; } = allowsNot;

    /// <summary>The rule for an attribute path, or null when the parameter does not know it.</summary>
    public AttributeRule? Attribute(string path) => attribute(path);
}

/// <summary>The dialects of the parameters the sandbox serves, as Okta's API description states them.</summary>
internal static class FilterDialects
{
    private static readonly FrozenSet<FilterOperator> EqOnly = new[] { FilterOperator.Eq }.ToFrozenSet();
    private static readonly FrozenSet<FilterOperator> Ordering = new[] { FilterOperator.Eq, FilterOperator.Gt, FilterOperator.Ge, FilterOperator.Lt, FilterOperator.Le }.ToFrozenSet();
    private static readonly FrozenSet<FilterOperator> Searchable = new[] { FilterOperator.Eq, FilterOperator.Sw, FilterOperator.Pr, FilterOperator.Gt, FilterOperator.Ge, FilterOperator.Lt, FilterOperator.Le }.ToFrozenSet();
    private static readonly FrozenSet<FilterOperator> SearchableWithContains = Searchable.Append(FilterOperator.Co).ToFrozenSet();
    private static readonly FrozenSet<FilterOperator> DateSearch = new[] { FilterOperator.Eq, FilterOperator.Pr, FilterOperator.Gt, FilterOperator.Ge, FilterOperator.Lt, FilterOperator.Le }.ToFrozenSet();
    private static readonly FrozenSet<FilterOperator> Every = Enum.GetValues<FilterOperator>().ToFrozenSet();

    /// <summary>
    /// <c>GET /api/v1/users?search=</c>: any profile attribute, <c>id</c>, <c>status</c>, <c>type.id</c> and the dates; <c>eq</c>, <c>sw</c>,
    /// <c>pr</c> and the orderings (Okta suggests <c>lt … or … gt</c> for "not equal"); <c>co</c> only on firstName, lastName,
    /// email and login; <c>ne</c> not at all. Values are case-insensitive.
    /// </summary>
    public static FilterDialect UserSearch { get; } = new(path => path switch
    {
        "id" or "status" or "type.id" => new AttributeRule(Searchable),
        "created" or "activated" or "statusChanged" or "lastUpdated" => new AttributeRule(DateSearch, IsDate: true),
        "profile.firstName" or "profile.lastName" or "profile.email" or "profile.login" => new AttributeRule(SearchableWithContains),
        _ when IsProfileAttribute(path) => new AttributeRule(Searchable),
        _ => null,
    }, caseSensitiveValues: false);

    /// <summary>
    /// <c>GET /api/v1/users?filter=</c>: status, lastUpdated, id and four profile attributes; only <c>eq</c>, except the orderings on
    /// lastUpdated. Values are case-sensitive.
    /// </summary>
    public static FilterDialect UserFilter { get; } = new(path => path switch
    {
        "status" or "id" or "profile.login" or "profile.email" or "profile.firstName" or "profile.lastName" => new AttributeRule(EqOnly),
        "lastUpdated" => new AttributeRule(Ordering, IsDate: true),
        _ => null,
    }, caseSensitiveValues: true);

    /// <summary><c>GET /api/v1/groups?search=</c>: any profile attribute, id, type, source.id and the dates; <c>co</c> only on name and description.</summary>
    public static FilterDialect GroupSearch { get; } = new(path => path switch
    {
        "id" or "type" or "source.id" => new AttributeRule(Searchable),
        "created" or "lastUpdated" or "lastMembershipUpdated" => new AttributeRule(DateSearch, IsDate: true),
        "profile.name" or "profile.description" => new AttributeRule(SearchableWithContains),
        _ when IsProfileAttribute(path) => new AttributeRule(Searchable),
        _ => null,
    }, caseSensitiveValues: false);

    /// <summary><c>GET /api/v1/groups?filter=</c>: id and type with <c>eq</c>; lastUpdated and lastMembershipUpdated with the orderings.</summary>
    public static FilterDialect GroupFilter { get; } = new(path => path switch
    {
        "id" or "type" => new AttributeRule(EqOnly),
        "lastUpdated" or "lastMembershipUpdated" => new AttributeRule(Ordering, IsDate: true),
        _ => null,
    }, caseSensitiveValues: true);

    /// <summary><c>GET /api/v1/apps?filter=</c>: id, status, name, credentials.signing.kid and settings.slo.enabled, with <c>eq</c>.</summary>
    public static FilterDialect AppFilter { get; } = new(path => path switch
    {
        "id" or "status" or "name" or "credentials.signing.kid" or "settings.slo.enabled" => new AttributeRule(EqOnly),
        _ => null,
    }, caseSensitiveValues: true);

    /// <summary><c>GET /api/v1/logs?filter=</c>: any attribute of the event and every operator, <c>not</c> included; <c>published</c> is an instant.</summary>
    public static FilterDialect LogFilter { get; } = new(path => path switch
    {
        "published" => new AttributeRule(Every, IsDate: true),
        _ when IsAttributePath(path) => new AttributeRule(Every),
        _ => null,
    }, caseSensitiveValues: false, allowsNot: true);

    private static bool IsProfileAttribute(string path) =>
        path.StartsWith("profile.", StringComparison.Ordinal) && path.Length > "profile.".Length && path.AsSpan("profile.".Length).IndexOf('.') < 0;

    private static bool IsAttributePath(string path) =>
        path.Split('.').All(segment => segment.Length > 0 && char.IsAsciiLetter(segment[0]));
}
