namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>
/// A <c>cursor</c> the gateway will not continue: not one it issued for this tenant, integration, operation and path
/// (<c>invalid_cursor</c>), or sent with query members that contradict it (<c>cursor_conflict</c>). Nothing was sent to Okta;
/// messages never quote the cursor or a payload value.
/// </summary>
public sealed class OktaCursorException(string code, string field, string message) : Exception(message)
{
    public const string Invalid = "invalid_cursor";
    public const string Conflict = "cursor_conflict";

    public string Code { get; } = code;
    public string Field { get; } = field;
}
