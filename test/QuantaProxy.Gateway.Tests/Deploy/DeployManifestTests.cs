using System.Reflection;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Storage;
using YamlDotNet.RepresentationModel;
using QuantaProxy.Gateway.Settings;

namespace QuantaProxy.Gateway.Tests.Deploy;

/// <summary>
/// No container engine runs here, so the manifests are checked for wiring instead: every QuantaProxy__ variable they set
/// names a real setting, ports and probes line up with what the gateway serves, and the scale-out shape is as designed.
/// </summary>
public sealed class DeployManifestTests
{
    private static readonly string DeployDir = FindDeployDir();

    private static string FindDeployDir()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "deploy"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("deploy/ not found above the test folder"), "deploy");
    }

    private static readonly Dictionary<string, Type> Sections = new(StringComparer.Ordinal)
    {
        ["QuantaProxy"] = typeof(GatewayOptions),
        ["QuantaProxy:Storage"] = typeof(StorageOptions),
        ["QuantaProxy:Kms"] = typeof(KmsOptions),
        ["QuantaProxy:Audit"] = typeof(AuditOptions),
    };

    /// <summary>True when <c>QuantaProxy__A__B</c> binds to a property of the options class of its section.</summary>
    private static bool IsKnownSetting(string variable)
    {
        var parts = variable.Split("__");
        for (var split = parts.Length - 1; split >= 1; split--)
        {
            var section = string.Join(':', parts[..split]);
            if (!Sections.TryGetValue(section, out var type)) continue;
            foreach (var name in parts[split..])
            {
                var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                if (property is null) return false;
                type = property.PropertyType;
            }
            return true;
        }
        return false;
    }

    private static YamlMappingNode Load(string file, int document = 0)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(DeployDir, file));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[document].RootNode;
    }

    private static IEnumerable<YamlMappingNode> LoadAll(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(DeployDir, file));
        stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode);
    }

    private static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (var key in path) node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        return node;
    }

    private static string Scalar(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    [Test]
    public void The_setting_checker_itself_tells_real_from_invented_names()
    {
        Assert.Multiple(() =>
        {
            Assert.That(IsKnownSetting("QuantaProxy__Storage__ConnectionString"), Is.True);
            Assert.That(IsKnownSetting("QuantaProxy__Bootstrap__AdminKey"), Is.True);
            Assert.That(IsKnownSetting("QuantaProxy__Storage__ConectionString"), Is.False);
            Assert.That(IsKnownSetting("QuantaProxy__Nope"), Is.False);
        });
    }

    [Test]
    public void Kubernetes_deployment_has_three_replicas_probes_on_the_gateway_endpoints_and_known_settings()
    {
        var docs = LoadAll("kubernetes/deployment.yaml").ToList();
        var deployment = docs.Single(d => Scalar(d, "kind") == "Deployment");
        Assert.That(Scalar(deployment, "spec", "replicas"), Is.EqualTo("3"));
        var container = (YamlMappingNode)((YamlSequenceNode)At(deployment, "spec", "template", "spec", "containers")).Children[0];
        var port = ((YamlSequenceNode)At(container, "ports")).Children.Cast<YamlMappingNode>().Single();
        Assert.Multiple(() =>
        {
            Assert.That(Scalar(port, "containerPort"), Is.EqualTo("8080"));
            Assert.That(Scalar(container, "readinessProbe", "httpGet", "path"), Is.EqualTo("/readyz"));
            Assert.That(Scalar(container, "livenessProbe", "httpGet", "path"), Is.EqualTo("/healthz"));
            Assert.That(Scalar(container, "readinessProbe", "httpGet", "port"), Is.EqualTo(Scalar(port, "name")));
            Assert.That(Scalar(container, "securityContext", "allowPrivilegeEscalation"), Is.EqualTo("false"));
        });
        var envFrom = ((YamlSequenceNode)At(container, "envFrom")).Children.Cast<YamlMappingNode>().ToList();
        var configMapName = envFrom.Select(e => e.Children.TryGetValue(new YamlScalarNode("configMapRef"), out var r) ? Scalar(r, "name") : null).Single(n => n is not null);
        var secretName = envFrom.Select(e => e.Children.TryGetValue(new YamlScalarNode("secretRef"), out var r) ? Scalar(r, "name") : null).Single(n => n is not null);
        var configMap = Load("kubernetes/configmap.yaml");
        var secret = Load("kubernetes/secret.yaml");
        Assert.That(Scalar(configMap, "metadata", "name"), Is.EqualTo(configMapName));
        Assert.That(Scalar(secret, "metadata", "name"), Is.EqualTo(secretName));

        var variables = ((YamlMappingNode)At(configMap, "data")).Children.Keys.Concat(((YamlMappingNode)At(secret, "stringData")).Children.Keys)
            .Select(k => ((YamlScalarNode)k).Value!).ToList();
        Assert.That(variables, Does.Contain("QuantaProxy__Storage__ConnectionString"));
        Assert.That(variables, Does.Contain("QuantaProxy__Kms__KeyId"));
        foreach (var v in variables.Where(v => v.StartsWith("QuantaProxy__", StringComparison.Ordinal)))
            Assert.That(IsKnownSetting(v), Is.True, $"{v} is not a gateway setting");
        Assert.That(Scalar(configMap, "data", "ASPNETCORE_URLS"), Does.EndWith(":8080"));

        var pdb = docs.Single(d => Scalar(d, "kind") == "PodDisruptionBudget");
        Assert.That(int.Parse(Scalar(pdb, "spec", "minAvailable"), System.Globalization.CultureInfo.InvariantCulture), Is.InRange(1, 2));
        var service = docs.Single(d => Scalar(d, "kind") == "Service");
        Assert.That(Scalar(service, "spec", "selector", "app.kubernetes.io/name"), Is.EqualTo(Scalar(deployment, "spec", "selector", "matchLabels", "app.kubernetes.io/name")));
    }

    [Test]
    public void Compose_runs_three_gateways_on_postgres_and_a_kms_with_known_settings()
    {
        var compose = Load("docker-compose.yml");
        var services = (YamlMappingNode)At(compose, "services");
        var gateways = services.Children.Where(s => ((YamlScalarNode)s.Key).Value!.StartsWith("gateway-", StringComparison.Ordinal)).ToList();
        Assert.That(gateways, Has.Count.EqualTo(3));
        Assert.That(services.Children.ContainsKey(new YamlScalarNode("postgres")), Is.True);
        Assert.That(services.Children.ContainsKey(new YamlScalarNode("kms")), Is.True);
        // The replicas share one definition through a YAML merge key; check each merges it.
        foreach (var (_, gateway) in gateways)
            Assert.That(((YamlMappingNode)gateway).Children.ContainsKey(new YamlScalarNode("<<")), Is.True);
        var env = (YamlMappingNode)At(compose, "x-gateway", "environment");
        var names = env.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
        Assert.That(Scalar(env, "QuantaProxy__Storage__Provider"), Is.EqualTo("Postgres"));
        Assert.That(Scalar(env, "QuantaProxy__Kms__Provider"), Is.EqualTo("AwsKms"));
        Assert.That(Scalar(env, "QuantaProxy__Kms__ServiceUrl"), Does.StartWith("http://kms:"));
        foreach (var v in names.Where(v => v.StartsWith("QuantaProxy__", StringComparison.Ordinal)))
            Assert.That(IsKnownSetting(v), Is.True, $"{v} is not a gateway setting");
    }

    [Test]
    public void Dockerfile_is_multi_stage_and_runs_as_non_root()
    {
        var lines = File.ReadAllLines(Path.Combine(DeployDir, "Dockerfile"));
        Assert.That(lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(2));
        var lastFrom = Array.FindLastIndex(lines, l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var user = Array.FindIndex(lines, lastFrom, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.That(user, Is.GreaterThan(lastFrom), "the runtime stage sets a USER");
        Assert.That(lines[user], Does.Not.Contain("root"));
        Assert.That(lines, Has.Some.Contains("src/QuantaProxy.Gateway/QuantaProxy.Gateway.csproj"));
        Assert.That(lines, Has.Some.Contains("EXPOSE 8080"));
        Assert.That(lines, Has.Some.Contains("MALLOC_ARENA_MAX=2"), "native memory stays flat under load only with few malloc arenas (load.md)");
    }

    [Test]
    public void The_shipped_secret_cannot_be_deployed_unchanged()
    {
        var secret = Load("kubernetes/secret.yaml");
        var adminKey = Scalar(secret, "stringData", "QuantaProxy__Bootstrap__AdminKey");
        var connection = Scalar(secret, "stringData", "QuantaProxy__Storage__ConnectionString");
        var gateway = new GatewayOptionsValidator().Validate(null, new GatewayOptions { Bootstrap = { AdminKey = adminKey } });
        Assert.That(gateway.Failed, Is.True, "the placeholder admin key is refused at start-up");
        Assert.That(gateway.FailureMessage, Does.Contain("QuantaProxy:Bootstrap:AdminKey"));
        var storage = new StorageOptionsValidator().Validate(null, new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = connection });
        Assert.That(storage.Failed, Is.True, "the placeholder password is refused at start-up");
        Assert.That(storage.FailureMessage, Does.Contain("QuantaProxy:Storage:ConnectionString"));
    }
}
