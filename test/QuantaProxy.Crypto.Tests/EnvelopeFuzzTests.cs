using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaProxy.Crypto.Envelopes;

namespace QuantaProxy.Crypto.Tests;

/// <summary>
/// Random and mutated inputs to the envelope parse-and-open path. Whatever the bytes, opening either refuses with the
/// library's typed <see cref="EnvelopeRejectedException"/> — never another exception type — or, only when the
/// mutation did not change what the envelope says, returns the original plaintext.
/// </summary>
public sealed class EnvelopeFuzzTests
{
    private const int Seed = 7_2025;

    /// <summary>Plain UTF-8 for every character, so a mutation of the text is a mutation of the content (no \u002B escapes).</summary>
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private TenantKeyBundle _bundle = null!;
    private List<(byte[] Json, byte[] Canonical, byte[] Plaintext)> _valid = null!;

    [OneTimeSetUp]
    public void Load()
    {
        var vectors = JsonNode.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "vectors", "envelope-v1.json")))!;
        _bundle = TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(vectors["keys"]!.ToJsonString()));
        // The small envelopes keep each open cheap; the 100 KiB one adds nothing a mutation of a small one does not.
        _valid = vectors["valid"]!.AsArray()
            .Select(v => (Json: Encoding.UTF8.GetBytes(v!["envelope"]!.ToJsonString(Relaxed)), Plaintext: Convert.FromBase64String(v["plaintext"]!.GetValue<string>())))
            .Where(v => v.Json.Length < 16 * 1024)
            .Select(v => (v.Json, HybridCryptoEnvelope.Parse(v.Json).ToUtf8Json(), v.Plaintext))
            .ToList();
        Assert.That(_valid, Has.Count.GreaterThanOrEqualTo(3));
        foreach (var (json, _, plaintext) in _valid)
            Assert.That(new EnvelopeOpener(_bundle).Open(json).Plaintext, Is.EqualTo(plaintext), "the unmutated envelopes open");
    }

    [OneTimeTearDown]
    public void Dispose() => _bundle.Dispose();

    [Test]
    public void Random_bytes_are_refused_with_the_typed_exception_only()
    {
        var random = new Random(Seed);
        var inputs = new List<byte[]>();
        for (var i = 0; i < 1500; i++)
        {
            var bytes = new byte[random.Next(0, 4096)];
            random.NextBytes(bytes);
            inputs.Add(bytes);
        }
        // Random bytes that start like JSON get further into the parser than pure noise.
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(1, 512)];
            random.NextBytes(bytes);
            inputs.Add([.. "{\"success\":true,\"version\":\""u8, .. bytes]);
        }
        Assert.That(OpenAll(inputs, mutated: true), Is.EqualTo(inputs.Count));
    }

    [Test]
    public void Bit_flips_truncations_and_splices_of_valid_envelopes_never_open()
    {
        var random = new Random(Seed + 1);
        var inputs = new List<byte[]>();
        for (var i = 0; i < 2500; i++) inputs.Add(BitFlips(Pick(random), random));
        for (var i = 0; i < 600; i++)
        {
            var json = Pick(random);
            inputs.Add(json[..random.Next(json.Length)]);
        }
        for (var i = 0; i < 600; i++) inputs.Add(Splice(Pick(random), Pick(random), random));
        for (var i = 0; i < 400; i++) inputs.Add(Reshuffle(Pick(random), random));
        // Escapes that are valid JSON but not Unicode: only reading the string reveals them.
        foreach (var (json, _, _) in _valid)
            foreach (var member in new[] { "version", "audit_event_id", "request_id", "issued_at" })
                foreach (var escape in new[] { @"\ud800", @"\udfff", @"\u0000" })
                {
                    var node = JsonNode.Parse(json)!;
                    node[member] = "PLACEHOLDER";
                    inputs.Add(Encoding.UTF8.GetBytes(node.ToJsonString(Relaxed).Replace("PLACEHOLDER", escape, StringComparison.Ordinal)));
                }
        Assert.That(OpenAll(inputs, mutated: true), Is.GreaterThanOrEqualTo(4000));
    }

    private byte[] Pick(Random random) => _valid[random.Next(_valid.Count)].Json;

    /// <summary>One to eight flipped bits, anywhere (structure, names, base64, ids, timestamps).</summary>
    private static byte[] BitFlips(byte[] json, Random random)
    {
        var copy = (byte[])json.Clone();
        for (var n = random.Next(1, 9); n > 0; n--) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    /// <summary>The head of one envelope joined to the tail of another (or of itself) at independent random points.</summary>
    private static byte[] Splice(byte[] a, byte[] b, Random random) => [.. a.AsSpan(0, random.Next(a.Length)), .. b.AsSpan(random.Next(b.Length))];

    /// <summary>A random range deleted, duplicated or overwritten with random bytes.</summary>
    private static byte[] Reshuffle(byte[] json, Random random)
    {
        var start = random.Next(json.Length);
        var length = random.Next(1, Math.Min(64, json.Length - start) + 1);
        var range = json.AsSpan(start, length).ToArray();
        return random.Next(3) switch
        {
            0 => [.. json.AsSpan(0, start), .. json.AsSpan(start + length)],
            1 => [.. json.AsSpan(0, start + length), .. range, .. json.AsSpan(start + length)],
            _ => [.. json.AsSpan(0, start), .. RandomBytes(length, random), .. json.AsSpan(start + length)],
        };
    }

    private static byte[] RandomBytes(int length, Random random)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Opens each input; returns how many were tried. An input that opens must say exactly what a valid envelope says.</summary>
    private int OpenAll(IReadOnlyList<byte[]> inputs, bool mutated)
    {
        var opener = new EnvelopeOpener(_bundle);
        var refusals = new Dictionary<EnvelopeRejectionReason, int>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            try
            {
                var opened = opener.Open(input);
                // A flip that only changes how the JSON spells the same envelope (say, \u0041 for A) is no change.
                var canonical = HybridCryptoEnvelope.Parse(input).ToUtf8Json();
                var same = _valid.Where(v => v.Canonical.AsSpan().SequenceEqual(canonical)).ToList();
                Assert.That(same, Is.Not.Empty, $"input {i} (mutated={mutated}) opened although it differs from every valid envelope");
                Assert.That(opened.Plaintext, Is.EqualTo(same[0].Plaintext), $"input {i}");
            }
            catch (EnvelopeRejectedException e)
            {
                Assert.That(e.GetType(), Is.EqualTo(typeof(EnvelopeRejectedException)), $"input {i}");
                refusals[e.Reason] = refusals.GetValueOrDefault(e.Reason) + 1;
            }
            catch (Exception e) when (e is not AssertionException)
            {
                Assert.Fail($"input {i} ({input.Length} bytes, starts '{Convert.ToHexString(input.AsSpan(0, Math.Min(48, input.Length)))}') threw {e.GetType().FullName}: {e.Message}");
            }
        }
        TestContext.Out.WriteLine($"{inputs.Count} inputs; refusals: {string.Join(", ", refusals.OrderBy(r => r.Key).Select(r => $"{r.Key}={r.Value}"))}");
        return inputs.Count;
    }
}
