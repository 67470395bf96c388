namespace QuantaProxy.OktaSandbox;

/// <summary>How the local Okta org is seeded and limited.</summary>
public sealed class SandboxOptions
{
    /// <summary>SSWS API tokens the org accepts (<c>Authorization: SSWS &lt;token&gt;</c>).</summary>
    public List<string> ApiTokens { get; } = [];

    /// <summary>The org's clock: the system's unless a test moves time with a <see cref="SandboxClock"/>.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public int SeedUsers { get; set; } = 250;
    public int SeedGroups { get; set; } = 30;
    public int SeedApps { get; set; } = 12;
    public int SeedLogEvents { get; set; } = 1500;

    /// <summary>Requests per minute per endpoint family (users, groups, apps, logs), as Okta's per-endpoint buckets.</summary>
    public int RateLimitPerMinute { get; set; } = 6000;

    /// <summary>Service apps that may get tokens from the org authorization server (<c>POST /oauth2/v1/token</c>).</summary>
    public List<SandboxServiceApp> ServiceApps { get; } = [];

    /// <summary>Lifetime of issued access tokens (<c>expires_in</c>); Okta's is one hour. Tests set a few seconds.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a DPoP nonce handed out by the token endpoint stays valid; a new one is handed out after a third of it.</summary>
    public TimeSpan DpopNonceLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Custom authorization servers (<c>/oauth2/{id}</c>) issuing JWT access tokens to agents.</summary>
    public List<SandboxAuthorizationServer> AuthorizationServers { get; } = [];

    /// <summary>How event hooks are verified and delivered.</summary>
    public EventHookOptions EventHooks { get; } = new();
}
