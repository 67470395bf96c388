using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.WebConsole.SignIn;
using QuantaProxy.Gateway.Settings;

namespace QuantaProxy.Gateway.WebConsole;

/// <summary>
/// The console's schemes, added beside the API's without touching them: the <c>ApiKey</c> scheme stays the default and the API's
/// fallback policy names it alone, so a console cookie never authenticates an API call. Console endpoints carry the
/// <see cref="Policy"/>, which names only the cookie scheme.
/// </summary>
public static class ConsoleAuth
{
    public const string CookieScheme = "ConsoleCookie";
    public const string Policy = "Console";
    public const string CookieName = "qp_console";
    public const string SignInEventType = "console.signin";
    public const string SignOutEventType = "console.signout";

    public static IServiceCollection AddQuantaProxyConsole(this IServiceCollection services, IConfiguration configuration)
    {
        var dataDir = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>()?.DataDir ?? "./data";
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDir, "console-keys"))).SetApplicationName("QuantaProxy.Console");
        services.AddSingleton<ConsoleSettingsStore>();
        services.AddSingleton<ConsoleOidcSchemes>();
        services.AddSingleton<ConsoleApi>();
        services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, ConsoleOidcOptionsSetup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddAuthentication().AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.Path = ConsolePaths.Root;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = ConsoleSession.IdleTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = ConsolePaths.SignIn;
            o.AccessDeniedPath = ConsolePaths.SignIn;
            o.Events.OnRedirectToLogin = context =>
            {
                // Browsers are sent to the sign-in page; anything else is told 401, as the API tells it.
                if (context.Request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true))
                    context.Response.Redirect(ConsolePaths.SignIn);
                else context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            };
            o.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
            o.Events.OnValidatePrincipal = ValidateSessionAsync;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser()
            .RequireClaim(Auth.CallerClaims.ApiKeyId).RequireClaim(ConsoleSession.Tenant));
        services.AddAntiforgery(o =>
        {
            // Antiforgery refuses SecurePolicy.Always on plain http, which loopback development uses; this builder marks the
            // cookie Secure itself (browsers keep Secure cookies of http://127.0.0.1 and localhost, trustworthy origins).
            o.Cookie = new AlwaysSecureCookieBuilder
            {
                Name = "qp_console_af",
                Path = ConsolePaths.Root,
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                SecurePolicy = CookieSecurePolicy.SameAsRequest,
                IsEssential = true,
            };
            o.FormFieldName = "__qp_af";
        });
        services.AddRazorComponents();
        return services;
    }

    /// <summary>Sessions end after <see cref="ConsoleSession.MaxLifetime"/> whatever their use; a bootstrap session ends when its admin key is revoked.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal!;
        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var signedIn = long.TryParse(principal.FindFirst(ConsoleSession.SignedInAt)?.Value, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 0;
        var expired = time.GetUtcNow().ToUnixTimeSeconds() - signedIn > (long)ConsoleSession.MaxLifetime.TotalSeconds;
        if (!expired && principal.FindFirst(ConsoleSession.Kind)?.Value == ConsoleSession.KindBootstrap)
        {
            var keyId = principal.FindFirst(ConsoleSession.AdminKeyId)?.Value;
            var key = keyId is null ? null : await context.HttpContext.RequestServices.GetRequiredService<ApiKeyStore>().FindAsync(keyId, context.HttpContext.RequestAborted);
            expired = key is null || key.RevokedAt is not null;
        }
        // A sign-in through Okta names its person (CallerClaims.PersonId), which approvals count; a session issued before
        // the claim existed could approve as a nobody, so it ends and the person signs in again.
        if (!expired && !ConsoleSession.NamesItsPerson(principal)) expired = true;
        if (expired)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    private sealed class AlwaysSecureCookieBuilder : CookieBuilder
    {
        public override CookieOptions Build(HttpContext context, DateTimeOffset expiresFrom)
        {
            var options = base.Build(context, expiresFrom);
            options.Secure = true;
            return options;
        }
    }
}
