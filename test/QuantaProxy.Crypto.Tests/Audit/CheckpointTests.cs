using System.Text;
using QuantaProxy.Crypto.Audit;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Crypto.Tests.Audit;

public sealed class CheckpointTests
{
    private const string Name = "quantaproxy.local/audit/ten_01JTEST0000000000000000000";

    [Test]
    public void A_signed_checkpoint_has_the_documented_text_and_verifies()
    {
        var key = MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed());
        var root = MerkleTree.LeafHash("x"u8);
        var text = new Checkpoint(Name, 42, root).Sign(key, Name);
        var lines = text.Split('\n');
        Assert.That(lines[0], Is.EqualTo(Name));
        Assert.That(lines[1], Is.EqualTo("42"));
        Assert.That(lines[2], Is.EqualTo(Convert.ToBase64String(root)));
        Assert.That(lines[3], Is.Empty);
        Assert.That(lines[4], Does.StartWith("\u2014 " + Name + " "));
        var blob = Convert.FromBase64String(lines[4].Split(' ')[2]);
        Assert.That(blob, Has.Length.EqualTo(4 + 3309));
        Assert.That(blob[..4], Is.EqualTo(Checkpoint.KeyId(Name, key.PublicKey)));
        Assert.That(Checkpoint.TryVerify(text, Name, key.PublicKey, out var parsed, out var problem), Is.True, problem);
        Assert.That(parsed!.TreeSize, Is.EqualTo(42));
        Assert.That(parsed.RootHash, Is.EqualTo(root));
    }

    [Test]
    public void Key_id_follows_the_signed_note_rule()
    {
        var key = MlDsa65PrivateKey.FromSeed(new byte[32]).PublicKey;
        var expected = System.Security.Cryptography.SHA256.HashData([.. Encoding.UTF8.GetBytes(Name), 0x0A, 0xFF, .. "ML-DSA-65"u8, .. key.Encoded])[..4];
        Assert.That(Checkpoint.KeyId(Name, key), Is.EqualTo(expected));
    }

    [Test]
    public void Altered_or_foreign_checkpoints_do_not_verify()
    {
        var key = MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed());
        var other = MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed());
        var text = new Checkpoint(Name, 7, MerkleTree.LeafHash("x"u8)).Sign(key, Name);
        Assert.That(Checkpoint.TryVerify(text.Replace("\n7\n", "\n8\n", StringComparison.Ordinal), Name, key.PublicKey, out _, out _), Is.False);
        Assert.That(Checkpoint.TryVerify(text, Name, other.PublicKey, out _, out _), Is.False);
        Assert.That(Checkpoint.TryVerify(new Checkpoint(Name, 7, MerkleTree.LeafHash("x"u8)).Sign(other, Name), Name, key.PublicKey, out _, out _), Is.False);
        Assert.That(Checkpoint.TryVerify(text.Replace("\n\n", "\n", StringComparison.Ordinal), Name, key.PublicKey, out _, out var problem), Is.False);
        Assert.That(problem, Is.Not.Null);
    }
}
