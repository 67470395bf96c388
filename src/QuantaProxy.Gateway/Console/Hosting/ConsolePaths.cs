namespace QuantaProxy.Gateway.WebConsole;

/// <summary>Where the console lives under the gateway.</summary>
public static class ConsolePaths
{
    public const string Root = "/console";
    public const string SignIn = "/console/signin";
    public const string SignedIn = "/console/signed-in";
    public const string SignOut = "/console/signout";
    public const string OidcCallbackPrefix = "/console/signin-oidc/";
    public const string Stylesheet = "/console/assets/console.css";

    public static string SignInFor(string tenantId) => $"/console/signin?tenant_id={tenantId}";
    public static string OktaChallenge(string tenantId) => $"/console/signin/okta/{tenantId}";
    public static string OidcCallback(string tenantId) => OidcCallbackPrefix + tenantId;
}
