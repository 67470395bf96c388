using System.Text;
using System.Text.Json.Nodes;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Crypto.Tests;

/// <summary>The committed FORMATS.md §5 vectors: every valid envelope opens to its plaintext, every invalid one is refused.</summary>
public sealed class VectorsFileTests
{
    private static JsonNode Load() => JsonNode.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "vectors", "envelope-v1.json")))!;

    [Test]
    public void The_file_has_the_documented_shape_and_enough_cases()
    {
        var vectors = Load();
        Assert.That(vectors["format"]!.GetValue<string>(), Is.EqualTo("qp-envelope-v1-vectors"));
        var valid = vectors["valid"]!.AsArray();
        var invalid = vectors["invalid"]!.AsArray();
        Assert.That(valid, Has.Count.GreaterThanOrEqualTo(5));
        Assert.That(invalid, Has.Count.GreaterThanOrEqualTo(8));
        var sizes = valid.Select(v => Convert.FromBase64String(v!["plaintext"]!.GetValue<string>()).Length).ToList();
        Assert.That(sizes, Has.Member(0));
        Assert.That(sizes.Max(), Is.GreaterThan(100 * 1024));
        Assert.That(valid.Select(v => v!["envelope"]!["success"]!.GetValue<bool>()).Distinct().Count(), Is.EqualTo(2));
    }

    [Test]
    public void Every_valid_vector_opens_to_its_plaintext()
    {
        var vectors = Load();
        using var bundle = TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(vectors["keys"]!.ToJsonString()));
        var opener = new EnvelopeOpener(bundle);
        foreach (var v in vectors["valid"]!.AsArray())
        {
            var opened = opener.Open(Encoding.UTF8.GetBytes(v!["envelope"]!.ToJsonString()));
            Assert.That(opened.Plaintext, Is.EqualTo(Convert.FromBase64String(v["plaintext"]!.GetValue<string>())));
        }
    }

    [Test]
    public void Every_invalid_vector_is_refused()
    {
        var vectors = Load();
        using var bundle = TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(vectors["keys"]!.ToJsonString()));
        var opener = new EnvelopeOpener(bundle);
        foreach (var v in vectors["invalid"]!.AsArray())
            Assert.That(() => opener.Open(Encoding.UTF8.GetBytes(v!["envelope"]!.ToJsonString())), Throws.InstanceOf<EnvelopeRejectedException>(), v!["reason"]!.GetValue<string>());
    }

    [Test]
    public void The_sender_seed_matches_the_bundles_signing_key()
    {
        var vectors = Load();
        var sender = vectors["sender"]!["signing_seeds"]![0]!;
        var key = MlDsa65PrivateKey.FromSeed(Convert.FromBase64String(sender["seed"]!.GetValue<string>()));
        var declared = vectors["keys"]!["signing_keys"]!.AsArray().Single(k => k!["key_id"]!.GetValue<string>() == sender["key_id"]!.GetValue<string>());
        Assert.That(Convert.ToBase64String(key.PublicKey.Encoded), Is.EqualTo(declared!["public_key"]!.GetValue<string>()));
    }
}
