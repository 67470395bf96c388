using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace QuantaProxy.Gateway.FunctionalTests.Proxy;

/// <summary>
/// A loopback HTTP server standing in for one Okta org in connector tests: it records every request and answers
/// from a queue of scripted responses, falling back to a small Okta-shaped default (users paged two at a time).
/// </summary>
public sealed class ScriptedOktaUpstream : IAsyncDisposable
{
    public sealed record Seen(string Method, string PathAndQuery, string? Authorization, string? RetryFor, string? RetryCount, string? UserAgent, string Body);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _script = new();
    private int _requestNumber;

    private ScriptedOktaUpstream(WebApplication app, Uri baseAddress, string token)
    {
        _app = app;
        BaseAddress = baseAddress;
        Token = token;
    }

    public Uri BaseAddress { get; }
    public ConcurrentQueue<Seen> Requests { get; } = new();
    public string Token { get; }
    public static readonly string[] UserIds = ["00u1", "00u2", "00u3", "00u4", "00u5"];

    public string BaseUrl => BaseAddress.GetLeftPart(UriPartial.Authority);

    public static async Task<ScriptedOktaUpstream> StartAsync(string? token = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        ScriptedOktaUpstream? upstream = null;
        app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            upstream!.Requests.Enqueue(new Seen(http.Request.Method, http.Request.Path + http.Request.QueryString, http.Request.Headers.Authorization,
                http.Request.Headers["X-Okta-Retry-For"], http.Request.Headers["X-Okta-Retry-Count"], http.Request.Headers.UserAgent, body));
            var number = Interlocked.Increment(ref upstream._requestNumber);
            http.Response.Headers["X-Okta-Request-Id"] = "req-" + number.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers["X-Rate-Limit-Limit"] = "600";
            http.Response.Headers["X-Rate-Limit-Remaining"] = "599";
            http.Response.Headers["X-Rate-Limit-Reset"] = DateTimeOffset.UtcNow.AddSeconds(60).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            if (http.Request.Headers.Authorization != "SSWS " + upstream.Token)
            {
                http.Response.StatusCode = 401;
                await http.Response.WriteAsync("""{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorCauses":[]}""");
                return;
            }
            if (upstream._script.TryDequeue(out var scripted))
            {
                await scripted(http);
                return;
            }
            await DefaultAsync(http, upstream.BaseUrl);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream = new ScriptedOktaUpstream(app, new Uri(address), token ?? "00scriptedTOKEN" + Guid.NewGuid().ToString("N"));
        return upstream;
    }

    public void Then(Func<HttpContext, Task> response) => _script.Enqueue(response);

    public void ThenStatus(int status, string body = """{"errorCode":"E0000009","errorSummary":"Internal Server Error"}""") => Then(async http =>
    {
        http.Response.StatusCode = status;
        await http.Response.WriteAsync(body);
    });

    public void ThenRateLimited(TimeSpan resetIn) => Then(async http =>
    {
        http.Response.StatusCode = 429;
        http.Response.Headers["X-Rate-Limit-Remaining"] = "0";
        http.Response.Headers["X-Rate-Limit-Reset"] = DateTimeOffset.UtcNow.Add(resetIn).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await http.Response.WriteAsync("""{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."}""");
    });

    private static async Task DefaultAsync(HttpContext http, string baseUrl)
    {
        var path = http.Request.Path.Value ?? "";
        http.Response.ContentType = "application/json";
        if (http.Request.Method == "GET" && path == "/api/v1/users")
        {
            var after = http.Request.Query["after"].ToString();
            var start = after.Length == 0 ? 0 : Array.IndexOf(UserIds, after) + 1;
            var page = UserIds.Skip(start).Take(2).ToArray();
            http.Response.Headers.Append("Link", $"<{baseUrl}/api/v1/users?limit=2>; rel=\"self\"");
            if (start + 2 < UserIds.Length) http.Response.Headers.Append("Link", $"<{baseUrl}/api/v1/users?after={page[^1]}&limit=2>; rel=\"next\"");
            await http.Response.WriteAsync("[" + string.Join(",", page.Select(id => $$"""{"id":"{{id}}","status":"ACTIVE"}""")) + "]");
            return;
        }
        if (http.Request.Method == "GET" && (path.EndsWith("/groups", StringComparison.Ordinal) || path.EndsWith("/factors", StringComparison.Ordinal)
            || path.EndsWith("/users", StringComparison.Ordinal) || path is "/api/v1/apps" or "/api/v1/logs"))
        {
            await http.Response.WriteAsync("[]");
            return;
        }
        if (http.Request.Method == "DELETE" || http.Request.Method == "PUT" || path.Contains("/lifecycle/", StringComparison.Ordinal))
        {
            http.Response.StatusCode = path.Contains("/lifecycle/", StringComparison.Ordinal) ? 200 : 204;
            if (http.Response.StatusCode == 200) await http.Response.WriteAsync("{}");
            return;
        }
        http.Response.StatusCode = 200;
        await http.Response.WriteAsync($$"""{"id":"{{path.Split('/')[^1]}}","status":"ACTIVE"}""");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
