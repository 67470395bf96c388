using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace QuantaProxy.Cli.Tests;

/// <summary>The contract of FORMATS.md §4 for <c>quantaproxy envelope open</c>, on the committed vectors and on random bytes.</summary>
public sealed class EnvelopeOpenCommandTests
{
    private string _dir = null!;
    private string _bundle = null!;
    private JsonNode _vectors = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "qp-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _vectors = JsonNode.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "vectors", "envelope-v1.json")))!;
        _bundle = Path.Combine(_dir, "bundle.json");
        File.WriteAllText(_bundle, _vectors["keys"]!.ToJsonString());
    }

    [OneTimeTearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task A_valid_envelope_prints_exactly_its_plaintext_and_exits_0()
    {
        var valid = _vectors["valid"]!.AsArray();
        foreach (var index in new[] { 0, 2, valid.Count - 2 })
        {
            var file = Path.Combine(_dir, $"valid-{index}.json");
            await File.WriteAllTextAsync(file, valid[index]!["envelope"]!.ToJsonString());
            var (code, stdout, stderr) = await CliProcess.RunAsync(null, "envelope", "open", "--keys", _bundle, "--input", file);
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout, Is.EqualTo(Convert.FromBase64String(valid[index]!["plaintext"]!.GetValue<string>())));
            Assert.That(stderr, Is.Empty);
        }
    }

    [Test]
    public async Task Standard_input_is_read_when_there_is_no_input_option()
    {
        var valid = _vectors["valid"]![2]!;
        var (code, stdout, _) = await CliProcess.RunAsync(Encoding.UTF8.GetBytes(valid["envelope"]!.ToJsonString()), "envelope", "open", "--keys", _bundle);
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Is.EqualTo(Convert.FromBase64String(valid["plaintext"]!.GetValue<string>())));
    }

    [Test]
    public async Task An_invalid_envelope_or_random_bytes_give_one_reason_line_and_nothing_on_stdout()
    {
        var inputs = _vectors["invalid"]!.AsArray().Take(6).Select(v => Encoding.UTF8.GetBytes(v!["envelope"]!.ToJsonString())).ToList();
        inputs.Add(RandomNumberGenerator.GetBytes(4096));
        inputs.Add([]);
        inputs.Add("{\"success\":true"u8.ToArray());
        foreach (var input in inputs)
        {
            var (code, stdout, stderr) = await CliProcess.RunAsync(input, "envelope", "open", "--keys", _bundle);
            Assert.That(code, Is.EqualTo(1));
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), stderr);
        }
    }

    [Test]
    public async Task A_missing_bundle_is_a_reason_line_too()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync([], "envelope", "open", "--keys", Path.Combine(_dir, "nope.json"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.StartWith("cannot open envelope"));
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Keys_generate_writes_a_0600_seed_and_its_public_key()
    {
        var dir = Path.Combine(_dir, "keys");
        var (code, _, stderr) = await CliProcess.RunAsync(null, "keys", "generate", "--out", dir);
        Assert.That(code, Is.Zero, stderr);
        var seedPath = Path.Combine(dir, "envelope-key.seed");
        Assert.That(File.GetUnixFileMode(seedPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        var seed = Convert.FromBase64String(File.ReadAllText(seedPath).Trim());
        var pub = Convert.FromBase64String(File.ReadAllText(Path.Combine(dir, "envelope-key.pub")).Trim());
        Assert.That(Crypto.Primitives.MlKem768PrivateKey.FromSeed(seed).PublicKey.ToArray(), Is.EqualTo(pub));
    }

    [Test]
    public async Task Vectors_generate_writes_a_file_whose_vectors_hold()
    {
        var path = Path.Combine(_dir, "fresh.json");
        var (code, _, stderr) = await CliProcess.RunAsync(null, "vectors", "generate", "--out", path);
        Assert.That(code, Is.Zero, stderr);
        var fresh = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        var bundle = Path.Combine(_dir, "fresh-bundle.json");
        await File.WriteAllTextAsync(bundle, fresh["keys"]!.ToJsonString());
        var first = fresh["valid"]![0]!;
        var (openCode, stdout, _) = await CliProcess.RunAsync(Encoding.UTF8.GetBytes(first["envelope"]!.ToJsonString()), "envelope", "open", "--keys", bundle);
        Assert.That(openCode, Is.Zero);
        Assert.That(stdout, Is.EqualTo(Convert.FromBase64String(first["plaintext"]!.GetValue<string>())));
    }
}
