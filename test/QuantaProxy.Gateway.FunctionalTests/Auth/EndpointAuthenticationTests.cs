using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Auth;

/// <summary>
/// Authentication is a property of the endpoints, not of the path's spelling: every mapped endpoint, under every method it
/// answers and with its path in several casings, is 401 without a key unless it is explicitly anonymous — and never 500.
/// </summary>
public sealed class EndpointAuthenticationTests
{
    private static readonly string[] ExpectedAnonymous = ["/healthz", "/readyz", "/openapi/{documentName}.json", "/docs/{documentName?}", "/docs/scalar.js", "/docs/scalar.aspnetcore.js", "/docs/favicon.svg",
        // The console's sign-in page, its Okta sign-in start, the landing page after Okta, and its stylesheet (docs/architecture.md, "Console").
        "/console/signin", "/console/signin/okta/{tenantId}", "/console/signed-in", "/console/assets/console.css",

        // Okta event hooks: Okta holds no API key; the tenant's shared hook secret authenticates them (OktaHookEndpoints).
        "/hooks/okta/{tenantId}"];
    private GatewayHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await GatewayHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Nothing to stop when the fixture was inconclusive (no server) before it started anything.
        if (_host is not null) await _host.DisposeAsync();
    }

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

    /// <summary>What each endpoint requires, read from its metadata: the authorization of the API in one table.</summary>
    private static readonly Dictionary<string, string> ExpectedAuthorization = new(StringComparer.Ordinal)
    {
        ["POST /api/v2/tenants"] = "scope:admin",
        ["POST /api/v2/tenants/{tenantId}/envelope-keys"] = "scope:admin",
        ["GET /api/v2/tenants/{tenantId}/keys"] = "caller",
        ["POST /api/v2/tenants/{tenantId}/keys/rotate"] = "scope:admin",
        ["POST /api/v2/api-keys"] = "scope:admin",
        ["DELETE /api/v2/api-keys/{apiKeyId}"] = "scope:admin",
        ["GET /api/v2/admin-keys"] = "scope:admin",
        ["POST /api/v2/admin-keys"] = "scope:admin",
        ["POST /api/v2/admin-keys/{apiKeyId}/rotate"] = "scope:admin",
        ["DELETE /api/v2/admin-keys/{apiKeyId}"] = "scope:admin",
        ["POST /api/v2/vault/seal"] = "scope:vault:seal",
        ["POST /api/v2/vault/unseal"] = "scope:vault:unseal",
        ["GET /api/v2/vault"] = "scope:vault:seal",
        ["PUT /api/v2/vault/{credentialId}"] = "scope:vault:seal",
        ["DELETE /api/v2/vault/{credentialId}"] = "scope:vault:seal",
        ["POST /api/v2/integrations"] = "scope:integrations:write",
        ["GET /api/v2/integrations"] = "caller",
        ["GET /api/v2/integrations/{integrationId}"] = "caller",
        ["PATCH /api/v2/integrations/{integrationId}"] = "scope:integrations:write",
        ["DELETE /api/v2/integrations/{integrationId}"] = "scope:integrations:write",
        ["GET /api/v2/audit/events"] = "scope:audit:read",
        ["GET /api/v2/audit/verify"] = "scope:audit:read",
        ["GET /api/v2/audit/checkpoint"] = "scope:audit:read",
        ["GET /api/v2/audit/checkpoints"] = "scope:audit:read",
        ["GET /api/v2/audit/events/{eventId}/proof"] = "scope:audit:read",
        ["GET /api/v2/audit/consistency"] = "scope:audit:read",
        ["POST /api/v2/proxy/outbound"] = "scope:proxy:invoke",
        ["GET /api/v2/catalog"] = "caller",
        ["PUT /api/v2/okta-hook"] = "scope:admin",
        ["POST /api/v2/trusted-issuers"] = "scope:admin",
        ["GET /api/v2/trusted-issuers"] = "scope:admin",
        ["DELETE /api/v2/trusted-issuers/{trustedIssuerId}"] = "scope:admin",
        ["POST /api/v2/agents"] = "scope:admin",
        ["GET /api/v2/agents"] = "scope:admin",
        ["DELETE /api/v2/agents/{agentId}"] = "scope:admin",
        ["POST /api/v2/delegations"] = "scope:admin",
        ["GET /api/v2/delegations"] = "scope:admin",
        ["POST /api/v2/delegations/{delegationId}/revoke"] = "scope:admin",
        ["POST /api/v2/delegations/{delegationId}/restore"] = "scope:admin",
        ["PUT /api/v2/tenants/{tenantId}/console-settings"] = "scope:admin",
        ["GET /api/v2/tenants/{tenantId}/console-settings"] = "scope:admin",
        ["PUT /api/v2/policies"] = "scope:admin",
        ["GET /api/v2/policies"] = "scope:admin",
        ["GET /api/v2/policies/versions"] = "scope:admin",
        ["POST /api/v2/policy/evaluate"] = "scope:admin",
        ["POST /api/v2/kill-switches"] = "scope:admin",
        ["GET /api/v2/kill-switches"] = "scope:admin",
        ["DELETE /api/v2/kill-switches/{killSwitchId}"] = "scope:admin",
        ["GET /api/v2/approvals"] = "scope:approvals:decide",
        ["GET /api/v2/approvals/{approvalId}"] = "caller",
        ["POST /api/v2/approvals/{approvalId}/approve"] = "scope:approvals:decide",
        ["POST /api/v2/approvals/{approvalId}/reject"] = "scope:approvals:decide",
    };

    [Test]
    public void Every_API_endpoint_carries_its_authorization_as_metadata()
    {
        var actual = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in Endpoints().Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal)))
        {
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).Where(p => p is not null).Distinct().ToList();
            Assert.That(policies, Has.Count.LessThanOrEqualTo(1), endpoint.DisplayName);
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                actual[$"{method} {endpoint.RoutePattern.RawText!.TrimEnd('/')}"] = policies.SingleOrDefault() ?? "caller";
        }
        Assert.That(actual, Is.EquivalentTo(ExpectedAuthorization));
    }

    [Test]
    public async Task A_key_without_the_scope_is_refused_by_the_endpoint_metadata_and_the_refusal_is_audited()
    {
        var tenant = await TenantSession.CreateAsync(_host, "scoped", ["audit:read"]);
        var (refused, problem) = await _host.SendAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey,
            new { credential_type = "api_key", name = "x", secret = new { token = "t" } });
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(problem!["code"]!.GetValue<string>(), Is.EqualTo("insufficient_scope"));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("vault:seal"));
        var events = (await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=request.rejected", tenant.ApiKey))["events"]!.AsArray();
        Assert.That(events.Any(e => e!["outcome"]!.GetValue<string>() == "insufficient_scope"), Is.True);
    }
}
