using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Crypto.Vault;

namespace QuantaProxy.Crypto.Tests;

public sealed class EnvelopeTests
{
    private sealed record Keys(TenantKeyBundle Bundle, EnvelopeSealer Sealer, byte[] HmacKey);

    private static Keys NewKeys(string? tenantId = null)
    {
        tenantId ??= PrefixedId.New(PrefixedId.Tenant);
        var seed = MlKem768.GenerateSeed();
        var signing = MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed());
        var hmac = RandomNumberGenerator.GetBytes(64);
        var ekk = PrefixedId.New(PrefixedId.EnvelopeKey);
        var sgk = PrefixedId.New(PrefixedId.SigningKey);
        var bundle = new TenantKeyBundle(tenantId, [new TenantKeyBundle.EnvelopeKey(ekk, seed)], [new TenantKeyBundle.SigningKey(sgk, signing.PublicKey)], hmac, []);
        var sealer = new EnvelopeSealer(tenantId, ekk, MlKem768PrivateKey.FromSeed(seed).PublicKey, sgk, signing, hmac);
        return new Keys(bundle, sealer, hmac);
    }

    private static byte[] Seal(Keys keys, byte[] plaintext, bool success = true) =>
        keys.Sealer.Seal(plaintext, success, PrefixedId.New(PrefixedId.AuditEvent), PrefixedId.New(PrefixedId.Request), DateTimeOffset.UtcNow).ToUtf8Json();

    [TestCase(0)]
    [TestCase(1024)]
    [TestCase(256 * 1024)]
    public void Seal_then_open_gives_the_plaintext(int size)
    {
        var keys = NewKeys();
        var plaintext = RandomNumberGenerator.GetBytes(size);
        var opened = new EnvelopeOpener(keys.Bundle).Open(Seal(keys, plaintext, success: size % 2 == 0));
        Assert.That(opened.Plaintext, Is.EqualTo(plaintext));
        Assert.That(opened.Success, Is.EqualTo(size % 2 == 0));
        Assert.That(opened.TenantId, Is.EqualTo(keys.Bundle.TenantId));
    }

    [Test]
    public void Encrypt_then_sign_is_a_seal_whose_digest_is_known_before_the_signature()
    {
        var keys = NewKeys();
        var plaintext = RandomNumberGenerator.GetBytes(2000);
        var encrypted = keys.Sealer.Encrypt(plaintext, true, PrefixedId.New(PrefixedId.AuditEvent), PrefixedId.New(PrefixedId.Request), DateTimeOffset.UtcNow);
        var digestBeforeSigning = encrypted.ResponseDigestHex;
        var sealedEnvelope = keys.Sealer.Sign(encrypted);
        var opened = new EnvelopeOpener(keys.Bundle).Open(sealedEnvelope.ToUtf8Json());
        Assert.That(opened.Plaintext, Is.EqualTo(plaintext));
        Assert.That(sealedEnvelope.ResponseDigestHex, Is.EqualTo(digestBeforeSigning));
        Assert.That(opened.SignedMessageDigestHex, Is.EqualTo(digestBeforeSigning), "the digest an auditor recomputes from the envelope");
    }

    [Test]
    public void A_sealer_signs_only_what_it_encrypted()
    {
        var keys = NewKeys();
        var other = NewKeys(keys.Bundle.TenantId);
        var encrypted = other.Sealer.Encrypt("x"u8, true, PrefixedId.New(PrefixedId.AuditEvent), PrefixedId.New(PrefixedId.Request), DateTimeOffset.UtcNow);
        Assert.Throws<ArgumentException>(() => keys.Sealer.Sign(encrypted));
    }

    [Test]
    public void Json_has_the_documented_shape_and_field_order()
    {
        var keys = NewKeys();
        var json = JsonNode.Parse(Seal(keys, "x"u8.ToArray()))!.AsObject();
        Assert.That(json.Select(p => p.Key), Is.EqualTo(new[] { "success", "version", "encrypted", "signature", "audit_event_id", "request_id", "issued_at" }));
        Assert.That(json["encrypted"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "ciphertext_kem", "ciphertext_data", "nonce", "tenant_id", "key_id", "algorithm" }));
        Assert.That(json["signature"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "pqc_signature", "hmac_signature", "tenant_id", "key_id", "algorithm" }));
        Assert.That(json["issued_at"]!.GetValue<string>(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"));
        Assert.That(Convert.FromBase64String(json["encrypted"]!["ciphertext_kem"]!.GetValue<string>()), Has.Length.EqualTo(1088));
        Assert.That(Convert.FromBase64String(json["signature"]!["pqc_signature"]!.GetValue<string>()), Has.Length.EqualTo(3309));
    }

    private static IEnumerable<(string Name, Action<JsonObject> Tamper, EnvelopeRejectionReason Reason)> Tamperings()
    {
        static void FlipB64(JsonObject o, string section, string field)
        {
            var bytes = Convert.FromBase64String(o[section]![field]!.GetValue<string>());
            bytes[bytes.Length / 2] ^= 0x01;
            o[section]![field] = Convert.ToBase64String(bytes);
        }
        yield return ("success flipped", o => o["success"] = !o["success"]!.GetValue<bool>(), EnvelopeRejectionReason.SignatureInvalid);
        yield return ("version", o => o["version"] = "qp-envelope-v2", EnvelopeRejectionReason.WrongVersion);
        yield return ("ciphertext_kem", o => FlipB64(o, "encrypted", "ciphertext_kem"), EnvelopeRejectionReason.SignatureInvalid);
        yield return ("ciphertext_data", o => FlipB64(o, "encrypted", "ciphertext_data"), EnvelopeRejectionReason.SignatureInvalid);
        yield return ("nonce", o => FlipB64(o, "encrypted", "nonce"), EnvelopeRejectionReason.SignatureInvalid);
        yield return ("pqc_signature", o => FlipB64(o, "signature", "pqc_signature"), EnvelopeRejectionReason.SignatureInvalid);
        yield return ("hmac_signature", o => FlipB64(o, "signature", "hmac_signature"), EnvelopeRejectionReason.SignatureInvalid);
        yield return ("audit_event_id", o => o["audit_event_id"] = PrefixedId.New(PrefixedId.AuditEvent), EnvelopeRejectionReason.SignatureInvalid);
        yield return ("request_id", o => o["request_id"] = "req_other", EnvelopeRejectionReason.SignatureInvalid);
        yield return ("issued_at", o => o["issued_at"] = "2030-01-01T00:00:00.000Z", EnvelopeRejectionReason.SignatureInvalid);
        yield return ("issued_at format", o => o["issued_at"] = "2030-01-01T00:00:00Z", EnvelopeRejectionReason.BadTimestamp);
        yield return ("tenant mismatch", o => o["signature"]!["tenant_id"] = "ten_other", EnvelopeRejectionReason.TenantMismatch);
        yield return ("unknown field", o => o["extra"] = 1, EnvelopeRejectionReason.UnknownField);
        yield return ("missing field", o => o.Remove("request_id"), EnvelopeRejectionReason.MissingField);
        yield return ("truncated signature", o => o["signature"]!["pqc_signature"] = Convert.ToBase64String(Convert.FromBase64String(o["signature"]!["pqc_signature"]!.GetValue<string>())[..3308]), EnvelopeRejectionReason.WrongLength);
        yield return ("bad base64", o => o["encrypted"]!["nonce"] = "!!!!!!!!!!!!!!!!", EnvelopeRejectionReason.BadBase64);
        yield return ("wrong algorithm", o => o["encrypted"]!["algorithm"] = "X25519", EnvelopeRejectionReason.WrongAlgorithm);
        yield return ("unknown signing key", o => o["signature"]!["key_id"] = "sgk_unknown", EnvelopeRejectionReason.UnknownSigningKey);
        yield return ("unknown envelope key", o => o["encrypted"]!["key_id"] = "ekk_unknown", EnvelopeRejectionReason.UnknownEnvelopeKey);
        yield return ("success as string", o => o["success"] = "true", EnvelopeRejectionReason.Malformed);
    }

    [Test]
    public void Every_tampering_is_refused_with_its_reason()
    {
        var keys = NewKeys();
        var opener = new EnvelopeOpener(keys.Bundle);
        var original = Seal(keys, Encoding.UTF8.GetBytes("{\"status\":200}"));
        foreach (var (name, tamper, reason) in Tamperings())
        {
            var json = JsonNode.Parse(original)!.AsObject();
            tamper(json);
            var ex = Assert.Throws<EnvelopeRejectedException>(() => opener.Open(Encoding.UTF8.GetBytes(json.ToJsonString())), name);
            Assert.That(ex!.Reason, Is.EqualTo(reason), name);
        }
    }

    [Test]
    public void Duplicate_properties_and_trailing_data_are_refused()
    {
        var keys = NewKeys();
        var text = Encoding.UTF8.GetString(Seal(keys, "x"u8.ToArray()));
        var duplicated = text.Replace("\"success\":true", "\"success\":true,\"success\":true", StringComparison.Ordinal);
        Assert.That(() => HybridCryptoEnvelope.Parse(Encoding.UTF8.GetBytes(duplicated)), Throws.InstanceOf<EnvelopeRejectedException>());
        Assert.That(() => HybridCryptoEnvelope.Parse(Encoding.UTF8.GetBytes(text + "{}")), Throws.InstanceOf<EnvelopeRejectedException>());
    }

    [Test]
    public void An_envelope_for_another_tenant_or_from_another_signer_is_refused()
    {
        var a = NewKeys();
        var b = NewKeys();
        var ex = Assert.Throws<EnvelopeRejectedException>(() => new EnvelopeOpener(b.Bundle).Open(Seal(a, "x"u8.ToArray())));
        Assert.That(ex!.Reason, Is.EqualTo(EnvelopeRejectionReason.TenantMismatch));
        // Same tenant id and key ids, but signed by someone else: both signatures fail.
        var forger = new EnvelopeSealer(a.Bundle.TenantId, a.Bundle.EnvelopeKeys[0].KeyId, a.Bundle.EnvelopeKeys[0].PrivateKey.PublicKey,
            a.Bundle.SigningKeys[0].KeyId, MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed()), RandomNumberGenerator.GetBytes(64));
        var forged = forger.Seal("x"u8, true, "aud_x", "req_x", DateTimeOffset.UtcNow).ToUtf8Json();
        ex = Assert.Throws<EnvelopeRejectedException>(() => new EnvelopeOpener(a.Bundle).Open(forged));
        Assert.That(ex!.Reason, Is.EqualTo(EnvelopeRejectionReason.SignatureInvalid));
    }

    [Test]
    public void Both_signature_checks_run_even_when_the_first_fails()
    {
        var keys = NewKeys();
        var opener = new EnvelopeOpener(keys.Bundle);
        var json = JsonNode.Parse(Seal(keys, "x"u8.ToArray()))!.AsObject();
        var sig = Convert.FromBase64String(json["signature"]!["pqc_signature"]!.GetValue<string>());
        sig[0] ^= 1;
        json["signature"]!["pqc_signature"] = Convert.ToBase64String(sig);
        EnvelopeOpener.PqcChecks = 0;
        EnvelopeOpener.HmacChecks = 0;
        Assert.Throws<EnvelopeRejectedException>(() => opener.Open(Encoding.UTF8.GetBytes(json.ToJsonString())));
        Assert.That((EnvelopeOpener.PqcChecks, EnvelopeOpener.HmacChecks), Is.EqualTo((1, 1)), "the HMAC check ran although ML-DSA had already failed");
    }

    [Test]
    public void One_sealer_is_safe_to_use_from_many_threads()
    {
        var keys = NewKeys();
        var opener = new EnvelopeOpener(keys.Bundle);
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var plaintext = Encoding.UTF8.GetBytes($"message {i}");
            Assert.That(opener.Open(Seal(keys, plaintext)).Plaintext, Is.EqualTo(plaintext));
        });
    }

    [Test]
    public void Bundle_round_trips_through_json_and_checks_public_keys_against_seeds()
    {
        var keys = NewKeys();
        var json = keys.Bundle.ToUtf8Json();
        using var parsed = TenantKeyBundle.Parse(json);
        Assert.That(new EnvelopeOpener(parsed).Open(Seal(keys, "x"u8.ToArray())).Plaintext, Is.EqualTo("x"u8.ToArray()));
        var node = JsonNode.Parse(json)!;
        node["envelope_keys"]![0]!["public_key"] = Convert.ToBase64String(MlKem768PrivateKey.FromSeed(MlKem768.GenerateSeed()).PublicKey.ToArray());
        Assert.That(() => TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(node.ToJsonString())), Throws.InstanceOf<FormatException>());
        node = JsonNode.Parse(json)!;
        node["extra"] = 1;
        Assert.That(() => TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(node.ToJsonString())), Throws.InstanceOf<FormatException>());
    }

    [Test]
    public void Vault_blob_opens_only_with_every_bound_field_unchanged()
    {
        var key = MlKem768PrivateKey.FromSeed(MlKem768.GenerateSeed());
        var secret = "{\"token\":\"abc\"}"u8.ToArray();
        var blob = VaultBlob.Seal("ten_a", "vlt_a", 3, "api_key", "vkk_a", key.PublicKey, secret);
        Assert.That(blob.Enc, Has.Length.EqualTo(1088));
        Assert.That(VaultBlob.Open("ten_a", "vlt_a", 3, "api_key", "vkk_a", key, blob.Enc, blob.Ciphertext), Is.EqualTo(secret));
        (string T, string C, int V, string Ty, string K)[] moved =
        [
            ("ten_b", "vlt_a", 3, "api_key", "vkk_a"), ("ten_a", "vlt_b", 3, "api_key", "vkk_a"), ("ten_a", "vlt_a", 4, "api_key", "vkk_a"),
            ("ten_a", "vlt_a", 3, "oauth2_client", "vkk_a"), ("ten_a", "vlt_a", 3, "api_key", "vkk_b"),
        ];
        foreach (var (t, c, v, ty, k) in moved)
            Assert.That(() => VaultBlob.Open(t, c, v, ty, k, key, blob.Enc, blob.Ciphertext), Throws.InstanceOf<VaultBlobException>(), $"{t} {c} {v} {ty} {k}");
        var tampered = (byte[])blob.Ciphertext.Clone();
        tampered[0] ^= 1;
        Assert.That(() => VaultBlob.Open("ten_a", "vlt_a", 3, "api_key", "vkk_a", key, blob.Enc, tampered), Throws.InstanceOf<VaultBlobException>());
    }
}
