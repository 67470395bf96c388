using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

public sealed class OperationsTests
{
    [Test]
    public async Task The_OpenAPI_document_lists_every_mapped_endpoint()
    {
        await using var host = await GatewayHost.StartAsync();
        var document = await host.OkAsync(HttpMethod.Get, "/openapi/v1.json", null);
        var paths = document["paths"]!.AsObject();
        var mapped = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: e.RoutePattern.RawText!.TrimEnd('/'), Method: m.ToLowerInvariant())))
            .ToList();
        Assert.That(mapped, Has.Count.GreaterThan(15));
        foreach (var (path, method) in mapped)
        {
            Assert.That(paths.ContainsKey(path), Is.True, $"{path} is missing from the OpenAPI document");
            Assert.That(paths[path]!.AsObject().ContainsKey(method), Is.True, $"{method.ToUpperInvariant()} {path} is missing from the OpenAPI document");
        }
        Assert.That(paths.ContainsKey("/healthz") && paths.ContainsKey("/readyz"), Is.True);
    }

    [Test]
    public async Task An_api_key_over_its_rate_gets_429_with_retry_after()
    {
        await using var host = await GatewayHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["QuantaProxy:RateLimits:PerKeyPerSecond"] = "5",
            ["QuantaProxy:RateLimits:PerKeyBurst"] = "5",
        });
        var statuses = new List<HttpStatusCode>();
        JsonNode? problem = null;
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 20; i++)
        {
            var (response, body) = await host.SendAsync(HttpMethod.Get, "/api/v2/audit/events?tenant_id=ten_01HZZZZZZZZZZZZZZZZZZZZZZZ", host.AdminKey);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) (limited, problem) = (response, body);
        }
        Assert.That(statuses, Does.Contain(HttpStatusCode.TooManyRequests));
        Assert.That(problem!["code"]!.GetValue<string>(), Is.EqualTo("rate_limited"));
        Assert.That(limited!.Headers.RetryAfter, Is.Not.Null);
        // Another caller is not affected by this key's bucket.
        var (health, _) = await host.SendAsync(HttpMethod.Get, "/healthz", null);
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
