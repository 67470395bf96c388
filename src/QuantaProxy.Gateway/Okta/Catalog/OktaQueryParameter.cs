namespace QuantaProxy.Gateway.Okta.Catalog;

/// <summary>A payload member sent as an Okta query parameter, with its type and bounds.</summary>
/// <param name="Choices">For <see cref="OktaParameterKind.Choice"/>: the only values Okta documents (its enum).</param>
/// <param name="Required">Okta refuses the call without it (e.g. <c>type</c> of <c>GET /api/v1/policies</c>).</param>
public sealed record OktaQueryParameter(string Field, string OktaName, OktaParameterKind Kind, int MaxLength = 1024, int Min = 0, int Max = 0,
    IReadOnlyList<string>? Choices = null, bool Required = false)
{
    public static OktaQueryParameter Text(string field, int maxLength = 1024, string? oktaName = null) => new(field, oktaName ?? field, OktaParameterKind.Text, maxLength);
    public static OktaQueryParameter Limit(int max) => new("limit", "limit", OktaParameterKind.WholeNumber, Min: 1, Max: max);
    public static OktaQueryParameter Cursor() => new("after", "after", OktaParameterKind.Text, 512);
    public static OktaQueryParameter Flag(string field, string oktaName) => new(field, oktaName, OktaParameterKind.Flag);
    public static OktaQueryParameter Time(string field) => new(field, field, OktaParameterKind.Timestamp, 64);

    /// <summary>One of Okta's enum values, matched exactly (Okta's enums are upper case and case-sensitive).</summary>
    public static OktaQueryParameter Choice(string field, IReadOnlyList<string> choices, bool required = false, string? oktaName = null) =>
        new(field, oktaName ?? field, OktaParameterKind.Choice, choices.Max(c => c.Length), Choices: choices, Required: required);
}
