using System.Text;
using System.Text.Json.Nodes;

namespace QuantaProxy.Cli.Tests;

/// <summary>
/// <c>quantaproxy envelope open</c> on files of random and mutated bytes: always exit 1, nothing on standard output,
/// exactly one line on standard error, and never a stack trace.
/// </summary>
public sealed class EnvelopeOpenFuzzTests
{
    private const int Seed = 4_242;
    private string _dir = null!;
    private string _bundle = null!;
    private byte[] _envelope = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "qp-cli-fuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        var vectors = JsonNode.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "vectors", "envelope-v1.json")))!;
        _bundle = Path.Combine(_dir, "bundle.json");
        File.WriteAllText(_bundle, vectors["keys"]!.ToJsonString());
        _envelope = Encoding.UTF8.GetBytes(vectors["valid"]![0]!["envelope"]!.ToJsonString());
    }

    [OneTimeTearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private IEnumerable<(string Name, byte[] Bytes)> Inputs()
    {
        var random = new Random(Seed);
        foreach (var size in new[] { 0, 1, 2, 17, 255, 4096, 65_536, 1_048_576 })
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            yield return ($"{size} random bytes", bytes);
        }
        for (var i = 0; i < 4; i++)
        {
            var tail = new byte[random.Next(1, 300)];
            random.NextBytes(tail);
            yield return ($"a JSON head and {tail.Length} random bytes", [.. "{\"success\":true,\"version\":\""u8, .. tail, .. "\"}"u8]);
        }
        for (var i = 0; i < 6; i++)
        {
            // High bits flipped inside strings make invalid UTF-8 — the case that once escaped as a crash.
            var flipped = (byte[])_envelope.Clone();
            for (var n = random.Next(1, 5); n > 0; n--) flipped[random.Next(20, flipped.Length - 20)] ^= 0x80;
            yield return ($"an envelope with flipped high bits ({i})", flipped);
        }
        yield return ("a truncated envelope", _envelope[..random.Next(_envelope.Length)]);
        yield return ("an envelope with a lone surrogate", Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(_envelope).Replace("\"req_", "\"\\ud800req_", StringComparison.Ordinal)));
        yield return ("UTF-16 text", Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(_envelope)));
    }

    [Test]
    public async Task Random_and_mutated_files_give_exit_1_and_one_line_without_a_stack_trace()
    {
        var inputs = Inputs().ToList();
        var files = inputs.Select((input, i) =>
        {
            var path = Path.Combine(_dir, $"input-{i}.bin");
            File.WriteAllBytes(path, input.Bytes);
            return (input.Name, Path: path);
        }).ToList();
        // A few processes at a time: each is a .NET start-up, and the machine is shared.
        using var gate = new SemaphoreSlim(3);
        var runs = files.Select(async file =>
        {
            await gate.WaitAsync();
            try
            {
                return (file.Name, Result: await CliProcess.RunAsync(null, "envelope", "open", "--keys", _bundle, "--input", file.Path));
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        foreach (var (name, (code, stdout, stderr)) in await Task.WhenAll(runs))
        {
            Assert.That(code, Is.EqualTo(1), $"{name}: {stderr}");
            Assert.That(stdout, Is.Empty, name);
            var lines = stderr.TrimEnd('\n', '\r').Split('\n');
            Assert.That(lines, Has.Length.EqualTo(1), $"{name}: {stderr}");
            Assert.That(lines[0], Does.StartWith("envelope rejected: ").Or.StartWith("cannot open envelope: "), name);
            Assert.That(stderr, Does.Not.Contain("Unhandled exception").And.Not.Contain("   at "), name);
        }
        Assert.That(files, Has.Count.GreaterThanOrEqualTo(20));
    }
}
