using System.Text.Json.Nodes;
using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>
/// Who made a Management request, as the System Log's <c>actor</c>: the service app for an OAuth token (Okta's
/// <c>PublicClientApp</c>), otherwise the admin the SSWS token belongs to (one fixed admin in the sandbox).
/// </summary>
internal static class SandboxActor
{
    public const string AdminId = "00usandboxadmin00000";
    public const string AdminLogin = "admin@example.com";

    public static JsonObject Of(HttpContext http) =>
        http.Items[ResourceAuthenticator.ClientIdItem] is string clientId
            ? new JsonObject { ["id"] = clientId, ["type"] = "PublicClientApp", ["alternateId"] = clientId, ["displayName"] = clientId, ["detailEntry"] = null }
            : new JsonObject { ["id"] = AdminId, ["type"] = "User", ["alternateId"] = AdminLogin, ["displayName"] = "Sandbox Admin", ["detailEntry"] = null };
}
