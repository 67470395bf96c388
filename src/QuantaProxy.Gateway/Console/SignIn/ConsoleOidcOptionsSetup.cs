using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;

namespace QuantaProxy.Gateway.WebConsole.SignIn;

/// <summary>
/// The per-tenant OpenID Connect options: authorization code + PKCE S256 against the tenant's issuer, the ID token validated by
/// the handler (issuer, audience = client id, signature from the issuer's JWKS, lifetime, nonce). The session is made only from
/// that verified token: actor <c>console:&lt;iss&gt;|&lt;sub&gt;</c>, role from its <c>groups</c> through the tenant's mapping.
/// </summary>
public sealed class ConsoleOidcOptionsSetup(ConsoleOidcSchemes schemes, TimeProvider time) : IConfigureNamedOptions<OpenIdConnectOptions>
{
    public const string LoginHintItem = "qp:login_hint";
    private const int MaxSubjectLength = 200;

    public void Configure(OpenIdConnectOptions options) { }

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name is null || ConsoleOidcSchemes.TenantOfScheme(name) is not { } tenantId || schemes.Settings(tenantId) is not { } settings) return;
        var issuerUri = new Uri(settings.Issuer);
        options.SignInScheme = ConsoleAuth.CookieScheme;
        options.Authority = settings.Issuer;
        options.MetadataAddress = settings.Issuer + "/.well-known/openid-configuration";
        options.RequireHttpsMetadata = issuerUri.Scheme == Uri.UriSchemeHttps;
        options.ClientId = settings.ClientId;
        options.ResponseType = "code";
        options.ResponseMode = "query";
        options.UsePkce = true;
        options.Scope.Clear();
        foreach (var scope in new[] { "openid", "profile", "email", "groups" }) options.Scope.Add(scope);
        options.CallbackPath = ConsolePaths.OidcCallback(tenantId);
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.GetClaimsFromUserInfoEndpoint = false;
        options.DisableTelemetry = true;
        options.TokenValidationParameters.ValidIssuer = settings.Issuer;
        options.TokenValidationParameters.NameClaimType = "name";
        // The identity provider sends the browser back cross-site: these two short-lived cookies must be Lax to come back.
        foreach (var cookie in new[] { options.CorrelationCookie, options.NonceCookie })
        {
            cookie.SecurePolicy = CookieSecurePolicy.Always;
            cookie.HttpOnly = true;
            cookie.SameSite = SameSiteMode.Lax;
            cookie.Path = ConsolePaths.OidcCallback(tenantId);
        }
        options.Events = new OpenIdConnectEvents
        {
            OnRedirectToIdentityProvider = context =>
            {
                if (context.Properties.Items.TryGetValue(LoginHintItem, out var hint) && !string.IsNullOrEmpty(hint))
                {
                    context.ProtocolMessage.LoginHint = hint;
                    // The local Okta sandbox has no sign-in page: its sandbox_user parameter chooses the person. Only ever sent
                    // to a loopback issuer, which settings accept only with the development switch.
                    if (issuerUri.IsLoopback) context.ProtocolMessage.SetParameter("sandbox_user", hint);
                }
                return Task.CompletedTask;
            },
            OnTokenValidated = context => TokenValidatedAsync(context, tenantId, settings),
            OnRemoteFailure = context =>
            {
                context.Response.Redirect(ConsolePaths.SignIn + "?error=" + Uri.EscapeDataString("Sign-in with Okta failed."));
                context.HandleResponse();
                return Task.CompletedTask;
            },
            OnAccessDenied = context =>
            {
                context.Response.Redirect(ConsolePaths.SignIn + "?error=" + Uri.EscapeDataString("Okta did not sign you in."));
                context.HandleResponse();
                return Task.CompletedTask;
            },
        };
    }

    private async Task TokenValidatedAsync(TokenValidatedContext context, string tenantId, ConsoleSettings settings)
    {
        var token = context.Principal!;
        var issuer = token.FindFirst("iss")?.Value;
        var subject = token.FindFirst("sub")?.Value;
        if (issuer != settings.Issuer || string.IsNullOrEmpty(subject) || subject.Length > MaxSubjectLength || subject.Any(c => char.IsControl(c) || c == '|'))
        {
            context.Fail("The ID token does not name a person of this tenant's issuer.");
            return;
        }
        var groups = token.FindAll("groups").Select(c => c.Value).ToList();
        var role = settings.RoleFor(groups);
        var name = token.FindFirst("preferred_username")?.Value ?? token.FindFirst("email")?.Value ?? subject;
        var actor = $"console:{issuer}|{subject}";
        var now = time.GetUtcNow();
        // The subject of the tenant's own Okta is the person's Okta user id: what an approval counts them as.
        var caller = new CallerContext(actor, tenantId, role is null ? [] : ConsoleRoles.Scopes(role), personId: subject);
        var http = context.HttpContext;
        CallerContext.Set(http, caller);
        var recorder = http.RequestServices.GetRequiredService<AuditRecorder>();
        var eventId = PrefixedId.New(PrefixedId.AuditEvent, now);
        if (role is null)
        {
            await recorder.RecordExtraAsync(http, tenantId, eventId, ConsoleAuth.SignInEventType, "no_role", new AuditDetails(Detail: "method=oidc"));
            context.Fail("No console role for this person's Okta groups.");
            return;
        }
        await recorder.RecordExtraAsync(http, tenantId, eventId, ConsoleAuth.SignInEventType, "signed_in", new AuditDetails(Detail: $"method=oidc;role={role}"));
        context.Principal = ConsoleSession.Create(caller, tenantId, role, ConsoleSession.KindOidc, name, now);
        context.Properties!.RedirectUri = ConsolePaths.SignedIn;
    }
}
