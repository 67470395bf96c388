using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure.Hostile;

/// <summary>
/// One mapped method + route of the running gateway, as the hostile sweep sees it. Read from the app's
/// <see cref="EndpointDataSource"/> (so an endpoint added tomorrow is swept without touching the tests) and joined with
/// its request-body schema from the OpenAPI document.
/// </summary>
public sealed record MappedEndpoint(string Method, string Template, IReadOnlyList<string> Parameters, bool TakesJson, JsonObject? BodySchema)
{
    public bool IsApi => Template.StartsWith("/api/", StringComparison.Ordinal);

    public override string ToString() => $"{Method} {Template}";

    /// <summary>The template with each <c>{parameter}</c> replaced by <paramref name="value"/>'s answer (already URL-safe or deliberately not).</summary>
    public string Fill(Func<string, string> value)
    {
        var path = Template;
        foreach (var p in Parameters) path = path.Replace("{" + p + "}", value(p), StringComparison.Ordinal);
        return path;
    }

    /// <summary>Whether the schema lets <paramref name="member"/> be absent or null (so null there is not a wrong type).</summary>
    public bool MayBeNull(string member)
    {
        if (BodySchema is null) return true;
        var required = BodySchema["required"]?.AsArray().Select(n => n!.GetValue<string>()).ToHashSet() ?? [];
        if (!required.Contains(member)) return true;
        return BodySchema["properties"]?[member]?["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null");
    }

    public static async Task<IReadOnlyList<MappedEndpoint>> ReadAsync(GatewayHost host)
    {
        var document = await host.OkAsync(HttpMethod.Get, "/openapi/v1.json", null);
        var result = new List<MappedEndpoint>();
        foreach (var endpoint in host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var raw = endpoint.RoutePattern.RawText;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (raw is null || methods is null) continue;
            var template = raw.Length > 1 ? raw.TrimEnd('/') : raw;
            if (!template.StartsWith('/')) template = "/" + template;
            var takesJson = endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>().Any(a => a.ContentTypes.Contains("application/json"));
            var parameters = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
            foreach (var method in methods)
                result.Add(new MappedEndpoint(method, template, parameters, takesJson, takesJson ? Schema(document, template, method) : null));
        }
        return result;
    }

    private static JsonObject? Schema(JsonNode document, string template, string method)
    {
        var schema = document["paths"]?[template]?[method.ToLowerInvariant()]?["requestBody"]?["content"]?["application/json"]?["schema"];
        if (schema?["$ref"]?.GetValue<string>() is { } reference)
            schema = document["components"]?["schemas"]?[reference[(reference.LastIndexOf('/') + 1)..]];
        return schema as JsonObject;
    }
}
