using YamlDotNet.RepresentationModel;

namespace QuantaProxy.OktaSandbox.Tests;

/// <summary>Okta's own OpenAPI description (shared/okta/management-minimal.yaml), for checking the sandbox against it.</summary>
public sealed class OktaSchema
{
    private readonly YamlMappingNode _root;

    private OktaSchema(YamlMappingNode root) => _root = root;

    /// <summary>The whole document, for checks that walk it themselves (the gateway's catalog conformance test).</summary>
    public YamlMappingNode Root => _root;

    public static OktaSchema Load()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        var path = Environment.GetEnvironmentVariable("QP_OKTA_OPENAPI") is { Length: > 0 } configured && File.Exists(configured) ? configured : null;
        while (dir is not null && path is null)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "okta", "management-minimal.yaml"), Path.Combine(dir.FullName, "..", "shared", "okta", "management-minimal.yaml") })
                if (File.Exists(candidate)) path = candidate;
            dir = dir.Parent;
        }
        // A bare clone has no shared/ beside it: fall back to the copy vendored with the tests.
        for (dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null && path is null; dir = dir.Parent)
        {
            var vendored = Path.Combine(dir.FullName, "test", "okta-openapi", "management-minimal.yaml");
            if (File.Exists(vendored)) path = vendored;
        }
        if (path is null)
        {
            // The description lives beside the repository (shared/okta), as in CI; a bare clone may not have it.
            const string message = "Okta's OpenAPI description was not found: set QP_OKTA_OPENAPI, keep shared/okta beside the repository, or restore test/okta-openapi.";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(message);
            Assert.Inconclusive(message);
        }
        var stream = new YamlStream();
        using var reader = new StreamReader(path!);
        stream.Load(reader);
        return new OktaSchema((YamlMappingNode)stream.Documents[0].RootNode);
    }

    private static YamlNode? Child(YamlNode node, string key) =>
        node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    /// <summary>The property names a schema declares, following $ref and allOf.</summary>
    public HashSet<string> Properties(string schemaName)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        Collect(Child(Child(Child(_root, "components")!, "schemas")!, schemaName) ?? throw new KeyNotFoundException(schemaName), result, 0);
        return result;
    }

    private void Collect(YamlNode schema, HashSet<string> into, int depth)
    {
        if (depth > 8) return;
        if (Child(schema, "$ref") is YamlScalarNode reference)
        {
            var name = reference.Value!.Split('/')[^1];
            Collect(Child(Child(Child(_root, "components")!, "schemas")!, name)!, into, depth + 1);
        }
        if (Child(schema, "properties") is YamlMappingNode properties)
            foreach (var key in properties.Children.Keys) into.Add(((YamlScalarNode)key).Value!);
        if (Child(schema, "allOf") is YamlSequenceNode all)
            foreach (var part in all) Collect(part, into, depth + 1);
    }

    /// <summary>The operation's <c>description</c>.</summary>
    public string OperationDescription(string path, string method) =>
        (Child(Child(Child(Child(_root, "paths")!, path)!, method)!, "description") as YamlScalarNode)?.Value ?? "";

    /// <summary>A query parameter of the operation (following <c>$ref</c>): its description and its schema's default, if any.</summary>
    public (string Description, string? Default) Parameter(string path, string method, string name)
    {
        var operation = Child(Child(Child(_root, "paths")!, path)!, method)!;
        foreach (var entry in (Child(operation, "parameters") as YamlSequenceNode)?.Children ?? [])
        {
            var parameter = entry;
            if (Child(parameter, "$ref") is YamlScalarNode reference)
                parameter = Child(Child(Child(_root, "components")!, "parameters")!, reference.Value!.Split('/')[^1])!;
            if ((Child(parameter, "name") as YamlScalarNode)?.Value != name) continue;
            var description = (Child(parameter, "description") as YamlScalarNode)?.Value ?? "";
            var fallback = Child(Child(parameter, "schema") ?? new YamlMappingNode(), "default") as YamlScalarNode;
            return (description, fallback?.Value);
        }
        throw new KeyNotFoundException($"{method} {path} has no parameter {name}");
    }

    /// <summary>Whether the document has this path with this method.</summary>
    public bool HasOperation(string path, string method) => Child(Child(_root, "paths")!, path) is YamlMappingNode item && item.Children.ContainsKey(new YamlScalarNode(method));

    /// <summary>The scopes of the operation's <c>security: - oauth2: [...]</c> requirement (the path's, when the operation has none); empty when there is none.</summary>
    public IReadOnlyList<string> OAuthScopes(string path, string method)
    {
        var item = Child(Child(_root, "paths")!, path);
        var security = Child(Child(item!, method) ?? new YamlMappingNode(), "security") ?? Child(item!, "security") ?? Child(_root, "security");
        if (security is not YamlSequenceNode requirements) return [];
        return requirements.OfType<YamlMappingNode>()
            .Select(r => Child(r, "oauth2")).OfType<YamlSequenceNode>()
            .SelectMany(scopes => scopes.OfType<YamlScalarNode>().Select(s => s.Value!)).ToList();
    }
}
