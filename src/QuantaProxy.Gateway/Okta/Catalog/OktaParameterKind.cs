namespace QuantaProxy.Gateway.Okta.Catalog;

public enum OktaParameterKind
{
    Text,
    WholeNumber,
    Flag,
    Timestamp,
    SortOrder,
    /// <summary>One value of a fixed list (<see cref="OktaQueryParameter.Choices"/>).</summary>
    Choice,
}
