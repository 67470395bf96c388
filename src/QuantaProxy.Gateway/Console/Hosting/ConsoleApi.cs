using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.WebConsole;

/// <summary>What an API endpoint answered a console action: status and JSON body (problem+json when it refused).</summary>
public sealed record ConsoleApiResult(int Status, JsonNode? Body)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>The refusal's detail as the API states it (never a secret: API answers carry none).</summary>
    public string Error => Body?["detail"]?.GetValue<string>() ?? $"The gateway answered {Status}.";
}

/// <summary>
/// Runs a console action through the API endpoint that does it — the same handler, scope checks, tenant resolution, intent and
/// outcome events, error handling and refusal events — with the signed-in person (or bootstrap admin key) as the caller. The
/// endpoint is found by its name and invoked in-process on a request of its own (its own request id and audit event), so no
/// API key is minted for a person and the API's schemes are untouched. The endpoint's authorization metadata (its scope policy)
/// is evaluated against the person's principal first, as the authorization middleware does for an API call: an in-process call
/// skips that middleware, so without this an auditor's session could run any write the console offers a form for.
/// </summary>
public sealed class ConsoleApi(
    EndpointDataSource endpoints, AuditRecorder recorder, ILogger<ErrorHandlingMiddleware> errorLogger, TimeProvider time,
    IAuthorizationPolicyProvider policies, IAuthorizationService authorization)
{
    private Dictionary<string, RouteEndpoint>? _byName;

    public Task<ConsoleApiResult> GetAsync(HttpContext outer, string endpointName, string path, object? routeValues = null) =>
        SendAsync(outer, endpointName, HttpMethods.Get, path, routeValues, null);

    public async Task<ConsoleApiResult> SendAsync(HttpContext outer, string endpointName, string method, string path, object? routeValues, object? body)
    {
        var endpoint = Find(endpointName);
        var caller = CallerContext.Find(outer) ?? throw new InvalidOperationException("A console action needs a signed-in caller.");
        var tenant = ConsoleSession.TenantOf(outer.User);
        // A bootstrap (global admin key) session names the tenant it works on, as the admin key does on the API.
        if (caller.TenantId is null && tenant is not null)
        {
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "tenant_id=" + Uri.EscapeDataString(tenant);
            if (body is JsonObject o && !o.ContainsKey("tenant_id")) o["tenant_id"] = tenant;
        }
        var split = path.IndexOf('?', StringComparison.Ordinal);
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Method = method, Scheme = outer.Request.Scheme, Protocol = outer.Request.Protocol, PathBase = "",
            Path = split < 0 ? path : path[..split], QueryString = split < 0 ? "" : path[split..],
        });
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        using var responseBody = new MemoryStream();
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBody));
        var inner = new DefaultHttpContext(features)
        {
            RequestServices = outer.RequestServices,
            User = outer.User,
            RequestAborted = outer.RequestAborted,
        };
        inner.Connection.RemoteIpAddress = outer.Connection.RemoteIpAddress;
        inner.Request.Host = outer.Request.Host;
        byte[]? raw = null;
        if (body is not null)
        {
            raw = body is JsonNode node ? JsonSerializer.SerializeToUtf8Bytes(node) : JsonSerializer.SerializeToUtf8Bytes(body, GatewayJson.Options);
            inner.Request.ContentType = "application/json";
            inner.Request.ContentLength = raw.Length;
            inner.Request.Body = new MemoryStream(raw, writable: false);
        }
        if (routeValues is not null) inner.Request.RouteValues = new RouteValueDictionary(routeValues);
        inner.SetEndpoint(endpoint);
        try
        {
            var errors = new ErrorHandlingMiddleware(ctx =>
            {
                CallerContext.Set(ctx, caller);
                AuditContext.Begin(ctx, time);
                return AuthorizeThenRunAsync(ctx, endpoint);
            }, recorder, errorLogger);
            await new RequestIdMiddleware(errors.InvokeAsync, time).InvokeAsync(inner);
        }
        finally
        {
            // The body may hold a secret being sealed: the copy made here is wiped as soon as the endpoint is done with it.
            if (raw is not null) System.Security.Cryptography.CryptographicOperations.ZeroMemory(raw);
        }
        var status = inner.Response.StatusCode;
        JsonNode? json = null;
        if (responseBody.Length > 0 && (inner.Response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            try
            {
                json = JsonNode.Parse(responseBody.ToArray());
            }
            catch (JsonException)
            {
                json = null;
            }
        }
        return new ConsoleApiResult(status, json);
    }

    /// <summary>
    /// A refusal is thrown inside the error middleware, so it is answered and recorded in the tenant's chain exactly as the API's
    /// <see cref="ScopeRefusalResultHandler"/> does it.
    /// </summary>
    private async Task AuthorizeThenRunAsync(HttpContext context, RouteEndpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null)
        {
            var policy = await AuthorizationPolicy.CombineAsync(policies, endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(),
                endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>()) ?? await policies.GetFallbackPolicyAsync();
            // No policy at all would be an endpoint nobody declared: refused rather than assumed open.
            if (policy is null) throw new ApiException(StatusCodes.Status403Forbidden, ProblemCodes.InsufficientScope, "This action declares no authorization.");
            var result = await authorization.AuthorizeAsync(context.User, context, policy);
            if (!result.Succeeded)
            {
                var missing = result.Failure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault();
                throw new ApiException(StatusCodes.Status403Forbidden, ProblemCodes.InsufficientScope,
                    missing is null ? "Your console role does not allow this action." : $"Your console role lacks the scope '{missing.Scope}'.");
            }
        }
        await endpoint.RequestDelegate!(context);
    }

    private RouteEndpoint Find(string name)
    {
        _byName ??= endpoints.Endpoints.OfType<RouteEndpoint>()
            .Select(e => (e, e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName))
            .Where(p => p.EndpointName is not null)
            .GroupBy(p => p.EndpointName!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().e, StringComparer.Ordinal);
        return _byName.TryGetValue(name, out var endpoint) ? endpoint : throw new InvalidOperationException($"No API endpoint named {name}.");
    }
}
