using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using QuantaProxy.Gateway.Tests.Infrastructure;

namespace QuantaProxy.Gateway.Tests.Auth;

/// <summary>
/// Authentication is a property of the endpoints, not of the path's spelling: every mapped endpoint, under every method it
/// answers and with its path in several casings, is 401 without a key unless it is explicitly anonymous — and never 500.
/// </summary>
public sealed class EndpointAuthenticationTests
{
    private static readonly string[] ExpectedAnonymous = ["/healthz", "/readyz", "/openapi/{documentName}.json", "/docs/{documentName?}", "/docs/scalar.js", "/docs/scalar.aspnetcore.js", "/docs/favicon.svg",
        // Okta event hooks: Okta holds no API key; the tenant's shared hook secret authenticates them (OktaHookEndpoints).
        "/hooks/okta/{tenantId}"];
    private GatewayHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await GatewayHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    private IReadOnlyList<RouteEndpoint> Endpoints() =>
        _host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    private static string Concrete(RoutePattern pattern) => "/" + string.Join('/', pattern.PathSegments.Select(segment =>
        string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => parameter.Name switch
            {
                "tenantId" => "ten_01M90X5E4DYSF2XRWPTQZ7V51X",
                "documentName" => "v1",
                _ => "x_01M90X5E4DYSF2XRWPTQZ7V51X",
            },
            _ => "",
        }))));

    private static IEnumerable<string> Casings(string path)
    {
        yield return path;
        yield return path.ToUpperInvariant();
        yield return string.Concat(path.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c));
        yield return path.Replace("/api/", "/Api/", StringComparison.Ordinal);
        yield return path + "/";
    }

    [Test]
    public void Only_the_health_and_description_endpoints_are_anonymous()
    {
        var anonymous = Endpoints().Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(e => e.RoutePattern.RawText).Distinct().ToList();
        Assert.That(anonymous, Is.SubsetOf(ExpectedAnonymous), "an endpoint was made anonymous: add it here only if it must answer strangers");
        Assert.That(Endpoints().Count(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null), Is.GreaterThan(20));
    }

    [Test]
    public async Task Every_endpoint_needs_a_caller_whatever_the_case_of_its_path()
    {
        var failures = new List<string>();
        var walked = 0;
        foreach (var endpoint in Endpoints().Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                foreach (var path in Casings(Concrete(endpoint.RoutePattern)))
                {
                    foreach (var key in new[] { null, "qp_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })
                    {
                        using var request = GatewayHost.Request(new HttpMethod(method), path, key);
                        if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                        using var response = await _host.Client.SendAsync(request);
                        walked++;
                        if (response.StatusCode != HttpStatusCode.Unauthorized)
                            failures.Add($"{method} {path} (key: {(key is null ? "none" : "unknown")}) → {(int)response.StatusCode}");
                    }
                }
            }
        }
        Assert.That(failures, Is.Empty, string.Join("\n", failures));
        Assert.That(walked, Is.GreaterThan(200));
        Assert.That(_host.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task A_path_that_matches_no_endpoint_needs_a_caller_too()
    {
        foreach (var path in new[] { "/API/v2/nothing", "/nothing", "/api/v3/integrations" })
        {
            var (response, _) = await _host.SendAsync(HttpMethod.Get, path, null);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), path);
        }
        var (known, _) = await _host.SendAsync(HttpMethod.Get, "/api/v3/integrations", _host.AdminKey);
        Assert.That(known.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_case_variant_with_a_valid_key_reaches_the_same_endpoint_with_its_caller()
    {
        var tenant = await TenantSession.CreateAsync(_host, "casing");
        var (response, body) = await _host.SendAsync(HttpMethod.Get, "/API/V2/INTEGRATIONS", tenant.ApiKey);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
        Assert.That(body!["audit_event_id"], Is.Not.Null, "the call was audited in the caller's chain");
    }
}
