using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.WebConsole.SignIn;

namespace QuantaProxy.Gateway.WebConsole;

public static class ConsoleEndpoints
{
    /// <summary>The event fields of an offline export (FORMATS.md §6), in the order QuantaProxy.Client's AuditExport writes them.</summary>
    public static readonly string[] ExportEventFields =
    [
        "event_id", "tenant_id", "seq", "occurred_at", "type", "actor", "on_behalf_of", "integration_id", "operation", "outcome",
        "upstream_status", "upstream_request_id", "request_digest", "response_digest", "detail", "prev_hash", "hash",
    ];

    private static readonly Lazy<byte[]> Stylesheet = new(() =>
    {
        using var stream = typeof(ConsoleEndpoints).Assembly.GetManifestResourceStream("console/console.css")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>The pipeline pieces, in order: <see cref="ConsoleFrontDoor"/> before authentication.</summary>
    public static IApplicationBuilder UseConsoleFrontDoor(this IApplicationBuilder app) => app.UseMiddleware<ConsoleFrontDoor>();

    public static void MapQuantaProxyConsole(this WebApplication app)
    {
        app.MapConsoleSettingsEndpoints();
        var console = app.MapGroup(ConsolePaths.Root).ExcludeFromDescription();
        console.MapGet("/signin/okta/{tenantId}", ChallengeAsync).AllowAnonymous();
        console.MapGet("/signed-in", SignedIn).AllowAnonymous();
        console.MapGet("/assets/console.css", () => Results.Bytes(Stylesheet.Value, "text/css; charset=utf-8")).AllowAnonymous();
        console.MapGet("/audit/export", ExportAsync).RequireAuthorization(ConsoleAuth.Policy);
        app.MapRazorComponents<ConsoleApp>().RequireAuthorization(ConsoleAuth.Policy);
    }

    /// <summary>Starts the tenant's Okta sign-in (authorization code + PKCE). An unknown tenant or one without settings is 404.</summary>
    private static async Task<IResult> ChallengeAsync(string tenantId, HttpContext http, ConsoleOidcSchemes schemes)
    {
        if (!PrefixedId.IsValid(tenantId, PrefixedId.Tenant) || await schemes.EnsureAsync(tenantId, http.RequestAborted) is not { } scheme)
            return Results.Redirect(ConsolePaths.SignIn + "?error=" + Uri.EscapeDataString("That tenant has no console sign-in."));
        var properties = new AuthenticationProperties { RedirectUri = ConsolePaths.SignedIn };
        var hint = http.Request.Query["login_hint"].FirstOrDefault();
        if (!string.IsNullOrEmpty(hint) && hint.Length <= 200 && !hint.Any(char.IsControl)) properties.Items[ConsoleOidcOptionsSetup.LoginHintItem] = hint;
        return Results.Challenge(properties, [scheme]);
    }

    /// <summary>
    /// The landing page after the identity provider: the browser arrived by a cross-site redirect, so the SameSite=Strict session
    /// cookie is not sent on that navigation; a same-site refresh from here carries it (no script: a meta refresh and a link).
    /// </summary>
    private static IResult SignedIn() => Results.Content("""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/console"><title>Signed in · QuantaProxy console</title>
        <link rel="stylesheet" href="/console/assets/console.css"></head>
        <body><main class="signin"><h1>Signed in</h1><p><a href="/console">Continue to the console</a></p></main></body></html>
        """, "text/html; charset=utf-8");

    /// <summary>
    /// The tenant's audit log for offline verification (events.ndjson and checkpoints/N.txt, FORMATS.md §6) as a zip, read through
    /// the audit API endpoints (each read an audit event naming the person), after a fresh checkpoint.
    /// </summary>
    private static async Task<IResult> ExportAsync(HttpContext http, ConsoleApi api)
    {
        var checkpoint = await api.GetAsync(http, "GetAuditCheckpoint", "/api/v2/audit/checkpoint");
        if (!checkpoint.Ok) return Results.Problem(checkpoint.Error, statusCode: checkpoint.Status);
        var zip = new MemoryStream();
        long count = 0;
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            var events = archive.CreateEntry("events.ndjson", CompressionLevel.Fastest);
            await using (var writer = new StreamWriter(events.Open(), new UTF8Encoding(false)))
            {
                long after = 0;
                while (true)
                {
                    var page = await api.GetAsync(http, "ListAuditEvents", string.Create(CultureInfo.InvariantCulture, $"/api/v2/audit/events?after={after}&limit=1000"));
                    if (!page.Ok) return Results.Problem(page.Error, statusCode: page.Status);
                    var list = page.Body!["events"]!.AsArray();
                    foreach (var e in list)
                    {
                        var line = new JsonObject();
                        foreach (var field in ExportEventFields) line[field] = e![field]!.DeepClone();
                        await writer.WriteLineAsync(line.ToJsonString());
                        after = e!["seq"]!.GetValue<long>();
                        count++;
                    }
                    if (list.Count < 1000) break;
                }
            }
            long afterSize = 0;
            while (true)
            {
                var page = await api.GetAsync(http, "ListAuditCheckpoints", string.Create(CultureInfo.InvariantCulture, $"/api/v2/audit/checkpoints?after={afterSize}&limit=1000"));
                if (!page.Ok) return Results.Problem(page.Error, statusCode: page.Status);
                foreach (var c in page.Body!["checkpoints"]!.AsArray())
                {
                    var size = c!["tree_size"]!.GetValue<long>();
                    if (size > count) continue;
                    var entry = archive.CreateEntry(string.Create(CultureInfo.InvariantCulture, $"checkpoints/{size}.txt"), CompressionLevel.Fastest);
                    await using var stream = entry.Open();
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(c["checkpoint"]!.GetValue<string>()));
                }
                if (page.Body["next_after"] is not { } next) break;
                afterSize = next.GetValue<long>();
            }
        }
        zip.Position = 0;
        var tenant = ConsoleSession.TenantOf(http.User) ?? "tenant";
        return Results.File(zip, "application/zip", $"audit-{tenant}.zip");
    }

    internal static Assembly Assembly => typeof(ConsoleEndpoints).Assembly;
}
