using System.Text.RegularExpressions;
using QuantaProxy.Gateway.Okta.Catalog;
using YamlDotNet.RepresentationModel;

namespace QuantaProxy.Gateway.Tests.Okta.Catalog;

/// <summary>
/// The operation catalog checked against Okta's own OpenAPI description (shared/okta/management-minimal.yaml): each
/// entry's method and path exist there, its scopes are the ones Okta documents for that operation, its query
/// parameters are ones Okta declares, and its limits do not exceed Okta's.
/// </summary>
public sealed partial class OktaCatalogConformanceTests
{
    private static readonly Lazy<YamlMappingNode> Spec = new(Load);

    // One loader for Okta's description, shared with the sandbox tests (linked into this project).
    private static YamlMappingNode Load() => QuantaProxy.OktaSandbox.Tests.OktaSchema.Load().Root;

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static YamlNode Resolve(YamlNode node)
    {
        if (Child(node, "$ref") is not YamlScalarNode reference) return node;
        YamlNode current = Spec.Value;
        foreach (var part in reference.Value!.TrimStart('#', '/').Split('/')) current = Child(current, part)!;
        return current;
    }

    [GeneratedRegex(@"\{[^}/]+\}")]
    private static partial Regex Placeholder();

    private static (YamlNode PathItem, YamlNode Operation) Find(OktaOperation op)
    {
        var wanted = Placeholder().Replace(op.PathTemplate, "{}");
        var paths = (YamlMappingNode)Child(Spec.Value, "paths")!;
        var item = paths.Children.SingleOrDefault(p => Placeholder().Replace(((YamlScalarNode)p.Key).Value!, "{}") == wanted).Value;
        Assert.That(item, Is.Not.Null, $"{op.Name}: Okta documents no path {op.PathTemplate}");
        var operation = Child(item, op.Method.Method.ToLowerInvariant());
        Assert.That(operation, Is.Not.Null, $"{op.Name}: Okta documents no {op.Method} {op.PathTemplate}");
        return (item!, operation!);
    }

    private static IEnumerable<YamlNode> Parameters(YamlNode pathItem, YamlNode operation) =>
        new[] { Child(pathItem, "parameters"), Child(operation, "parameters") }.OfType<YamlSequenceNode>().SelectMany(s => s.Children).Select(Resolve);

    public static IEnumerable<string> Operations() => OktaOperationCatalog.Default.All.Select(o => o.Name).Order(StringComparer.Ordinal);

    private static OktaOperation Op(string name) => OktaOperationCatalog.Default.TryGet(name, out var op) ? op : throw new KeyNotFoundException(name);

    [TestCaseSource(nameof(Operations))]
    public void Method_path_and_scopes_match_Oktas_description(string name)
    {
        var op = Op(name);
        var (_, operation) = Find(op);
        var documented = Child(operation, "security") is YamlSequenceNode security
            ? security.Children.Select(s => Child(s, "oauth2")).OfType<YamlSequenceNode>().SelectMany(s => s.Children).Select(s => ((YamlScalarNode)s).Value!).ToList()
            : [];
        Assert.That(documented, Is.Not.Empty, $"{name}: Okta lists no OAuth scopes");
        Assert.That(op.RequiredScopes, Is.SubsetOf(documented), $"{name}: the catalog's scopes must be the ones Okta requires");
    }

    [TestCaseSource(nameof(Operations))]
    public void Query_parameters_are_Oktas_and_within_its_bounds(string name)
    {
        var op = Op(name);
        var (item, operation) = Find(op);
        var query = Parameters(item, operation).Where(p => (Child(p, "in") as YamlScalarNode)?.Value == "query")
            .ToDictionary(p => ((YamlScalarNode)Child(p, "name")!).Value!, p => p, StringComparer.Ordinal);
        foreach (var parameter in op.QueryParameters)
        {
            Assert.That(query.ContainsKey(parameter.OktaName), Is.True, $"{name}: Okta declares no query parameter {parameter.OktaName}");
            if (parameter.Kind == OktaParameterKind.WholeNumber && Child(Child(query[parameter.OktaName], "schema"), "maximum") is YamlScalarNode maximum)
                Assert.That(parameter.Max, Is.LessThanOrEqualTo(int.Parse(maximum.Value!, System.Globalization.CultureInfo.InvariantCulture)), $"{name}.{parameter.OktaName}");
        }
        var pathParameters = Parameters(item, operation).Count(p => (Child(p, "in") as YamlScalarNode)?.Value == "path");
        Assert.That(pathParameters, Is.EqualTo(Placeholder().Count(op.PathTemplate)), $"{name}: path parameters");
    }
}
