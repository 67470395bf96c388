using System.Text;
using QuantaProxy.Crypto.Hpke;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Crypto.Tests;

/// <summary>
/// The key schedule and context against RFC 9180 Appendix A.1.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base
/// mode): the schedule does not depend on the KEM beyond its id, so the published vectors check ours exactly.
/// </summary>
public sealed class HpkeTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private const string SharedSecret = "fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc";
    private const string Info = "4f6465206f6e2061204772656369616e2055726e";

    [Test]
    public void Key_schedule_matches_RFC_9180_A_1_1()
    {
        var suite = HpkeKeySchedule.SuiteId(0x0020, 0x0001, 0x0001);
        var material = HpkeKeySchedule.Derive(suite, 16, Hex(SharedSecret), Hex(Info));
        Assert.Multiple(() =>
        {
            Assert.That(Convert.ToHexStringLower(material.KeyScheduleContext), Is.EqualTo(
                "00725611c9d98c07c03f60095cd32d400d8347d45ed67097bbad50fc56da742d07cb6cffde367bb0565ba28bb02c90744a20f5ef37f30523526106f637abb05449"));
            Assert.That(Convert.ToHexStringLower(material.Key), Is.EqualTo("4531685d41d65f03dc48f6b8302c05b0"));
            Assert.That(Convert.ToHexStringLower(material.BaseNonce), Is.EqualTo("56d890e5accaaf011cff4b7d"));
            Assert.That(Convert.ToHexStringLower(material.ExporterSecret), Is.EqualTo("45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8"));
        });
    }

    [Test]
    public void Context_encryptions_match_RFC_9180_A_1_1_sequence_0_and_1()
    {
        var pt = Hex("4265617574792069732074727574682c20747275746820626561757479");
        using var sender = HpkeContext.FromKey(Hex("4531685d41d65f03dc48f6b8302c05b0"), Hex("56d890e5accaaf011cff4b7d"));
        var ct0 = sender.Seal(Encoding.ASCII.GetBytes("Count-0"), pt);
        var ct1 = sender.Seal(Encoding.ASCII.GetBytes("Count-1"), pt);
        Assert.That(Convert.ToHexStringLower(ct0), Is.EqualTo("f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a"));
        Assert.That(Convert.ToHexStringLower(ct1), Is.EqualTo("af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84"));
        using var recipient = HpkeContext.FromKey(Hex("4531685d41d65f03dc48f6b8302c05b0"), Hex("56d890e5accaaf011cff4b7d"));
        Assert.That(recipient.Open(Encoding.ASCII.GetBytes("Count-0"), ct0), Is.EqualTo(pt));
        Assert.That(recipient.Open(Encoding.ASCII.GetBytes("Count-1"), ct1), Is.EqualTo(pt));
    }

    [Test]
    public void Ml_kem_suite_round_trips_and_rejects_a_wrong_info_or_key()
    {
        var key = MlKem768PrivateKey.FromSeed(MlKem768.GenerateSeed());
        var (enc, sender) = HpkeMlKem768.SetupBaseSender(key.PublicKey, "info"u8);
        var ct = sender.Seal("aad"u8, "hello"u8);
        using var recipient = HpkeMlKem768.SetupBaseRecipient(enc, key, "info"u8);
        Assert.That(recipient.BaseNonce.ToArray(), Is.EqualTo(sender.BaseNonce.ToArray()));
        Assert.That(recipient.Open("aad"u8, ct), Is.EqualTo("hello"u8.ToArray()));
        using var wrongInfo = HpkeMlKem768.SetupBaseRecipient(enc, key, "other"u8);
        Assert.That(() => wrongInfo.Open("aad"u8, ct), Throws.InstanceOf<System.Security.Cryptography.CryptographicException>());
        using var wrongKey = HpkeMlKem768.SetupBaseRecipient(enc, MlKem768PrivateKey.FromSeed(MlKem768.GenerateSeed()), "info"u8);
        Assert.That(() => wrongKey.Open("aad"u8, ct), Throws.InstanceOf<System.Security.Cryptography.CryptographicException>());
        sender.Dispose();
    }

    [Test]
    public void Suite_id_is_HPKE_and_the_three_ids()
    {
        Assert.That(Convert.ToHexStringLower(HpkeKeySchedule.SuiteId(0x0041, 0x0001, 0x0002)), Is.EqualTo("48504b45004100010002"));
    }
}
