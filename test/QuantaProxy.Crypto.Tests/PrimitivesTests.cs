using System.Text;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Crypto.Tests;

public class PrimitivesTests
{
    [Test]
    public void MlKem_round_trip_gives_the_same_secret_and_sizes_match_FIPS_203()
    {
        var seed = MlKem768.GenerateSeed();
        var key = MlKem768PrivateKey.FromSeed(seed);
        Assert.That(key.PublicKey.Encoded.Length, Is.EqualTo(1184));
        var ct = new byte[1088];
        var ss1 = new byte[32];
        var ss2 = new byte[32];
        key.PublicKey.Encapsulate(ct, ss1);
        key.Decapsulate(ct, ss2);
        Assert.That(ss2, Is.EqualTo(ss1));
        ct[10] ^= 1;
        key.Decapsulate(ct, ss2);
        Assert.That(ss2, Is.Not.EqualTo(ss1), "implicit rejection must give an unrelated secret");
    }

    [Test]
    public void MlKem_same_seed_gives_same_public_key()
    {
        var seed = MlKem768.GenerateSeed();
        var first = MlKem768PrivateKey.FromSeed(seed).PublicKey.ToArray();
        var second = MlKem768PrivateKey.FromSeed(seed).PublicKey.ToArray();
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void MlDsa_signs_and_verifies_with_context_and_rejects_other_context_or_message()
    {
        var key = MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed());
        var msg = Encoding.UTF8.GetBytes("hello");
        var ctx = Encoding.UTF8.GetBytes("quantaproxy/test");
        var sig = key.Sign(msg, ctx);
        Assert.That(sig, Has.Length.EqualTo(3309));
        Assert.That(key.PublicKey.Encoded.Length, Is.EqualTo(1952));
        Assert.That(key.PublicKey.Verify(msg, ctx, sig), Is.True);
        Assert.That(key.PublicKey.Verify(msg, "other"u8, sig), Is.False);
        Assert.That(key.PublicKey.Verify("hellp"u8, ctx, sig), Is.False);
        Assert.That(key.PublicKey.Verify(msg, ctx, sig.AsSpan(0, 3308)), Is.False);
    }

    [Test]
    public void MlDsa_signing_is_hedged()
    {
        var key = MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed());
        var first = key.Sign("m"u8, ""u8);
        var second = key.Sign("m"u8, ""u8);
        Assert.That(second, Is.Not.EqualTo(first));
    }

    [Test]
    public void LengthPrefixed_encodes_big_endian_lengths()
    {
        var bytes = new LengthPrefixedWriter().Add("ab").Add(true).Add(ReadOnlySpan<byte>.Empty).ToArray();
        Assert.That(bytes, Is.EqualTo(new byte[] { 0, 0, 0, 2, (byte)'a', (byte)'b', 0, 0, 0, 4, (byte)'t', (byte)'r', (byte)'u', (byte)'e', 0, 0, 0, 0 }));
    }

    [Test]
    public void PrefixedId_is_a_prefix_and_a_ulid()
    {
        var id = PrefixedId.New(PrefixedId.Tenant);
        Assert.That(PrefixedId.IsValid(id, PrefixedId.Tenant), Is.True, id);
        Assert.That(PrefixedId.IsValid(id, PrefixedId.Integration), Is.False);
        Assert.That(PrefixedId.IsValid("ten_../../etc/passwd", PrefixedId.Tenant), Is.False);
    }
}
