using System.Text.RegularExpressions;

namespace QuantaProxy.Gateway.Tests.Hosting;

/// <summary>
/// The import rule of docs/architecture.md, checked on the source: Hosting is the composition root, so it may import every
/// feature and no feature may import it; the shared HTTP helpers live in Http, which imports no feature.
/// </summary>
public sealed partial class ImportRuleTests
{
    private static string GatewaySource()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "QuantaProxy.sln"))) root = Path.GetDirectoryName(root)!;
        return Path.Combine(root, "src", "QuantaProxy.Gateway");
    }

    private static IEnumerable<(string Folder, string File, string[] Imports)> Files()
    {
        var source = GatewaySource();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal)) continue;
            var folder = relative.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) ? relative[..relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal)] : "";
            var text = File.ReadAllText(file);
            var imports = Import().Matches(text).Select(m => m.Groups[1].Value)
                .Concat(Qualified().Matches(text).Select(m => m.Groups[1].Value)).Distinct().ToArray();
            yield return (folder, relative, imports);
        }
    }

    [Test]
    public void No_feature_imports_Hosting()
    {
        var offenders = Files().Where(f => f.Folder is not ("Hosting" or "") && f.Imports.Contains("Hosting")).Select(f => f.File).ToList();
        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void The_shared_HTTP_helpers_import_no_feature()
    {
        var allowed = new[] { "Http", "Settings", "Errors" };
        var offenders = Files().Where(f => f.Folder == "Http").SelectMany(f => f.Imports.Where(i => !allowed.Contains(i)).Select(i => $"{f.File} imports {i}")).ToList();
        Assert.That(offenders, Is.Empty);
    }

    [GeneratedRegex(@"^using QuantaProxy\.Gateway\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex Import();

    [GeneratedRegex(@"\bQuantaProxy\.Gateway\.(\w+)\.\w+", RegexOptions.None)]
    private static partial Regex Qualified();
}
