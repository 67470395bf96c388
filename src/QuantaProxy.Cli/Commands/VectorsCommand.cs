using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Cli.Commands;

/// <summary>
/// <c>quantaproxy vectors generate --out FILE</c>: a fresh FORMATS.md §5 vectors file with new keys — the committed
/// <c>test/vectors/envelope-v1.json</c> came from it, and the interop check uses it to get envelopes sealed by .NET now.
/// </summary>
public static class VectorsCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out") { Description = "Where to write the vectors file", Required = true };
        var generate = new Command("generate", "Write a fresh qp-envelope-v1 test vectors file. Example: quantaproxy vectors generate --out vectors.json") { output };
        generate.SetAction(parse =>
        {
            var path = parse.GetRequiredValue(output).FullName;
            File.WriteAllText(path, Generate().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
            Console.WriteLine($"Wrote {path}");
            return 0;
        });
        return new Command("vectors", "Test vectors of FORMATS.md §5") { generate };
    }

    public static JsonObject Generate()
    {
        var now = DateTimeOffset.UtcNow;
        var tenantId = PrefixedId.New(PrefixedId.Tenant, now);
        var envelopeKeyId = PrefixedId.New(PrefixedId.EnvelopeKey, now);
        var signingKeyId = PrefixedId.New(PrefixedId.SigningKey, now);
        var envelopeSeed = MlKem768.GenerateSeed();
        var signingSeed = MlDsa65.GenerateSeed();
        var hmacKey = RandomNumberGenerator.GetBytes(64);
        var signing = MlDsa65PrivateKey.FromSeed(signingSeed);
        var checkpoint = MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed());
        using var bundle = new TenantKeyBundle(tenantId, [new TenantKeyBundle.EnvelopeKey(envelopeKeyId, envelopeSeed)],
            [new TenantKeyBundle.SigningKey(signingKeyId, signing.PublicKey)], hmacKey,
            [new TenantKeyBundle.CheckpointKey($"quantaproxy.local/audit/{tenantId}", checkpoint.PublicKey)]);
        using var sealer = new EnvelopeSealer(tenantId, envelopeKeyId, bundle.EnvelopeKeys[0].PrivateKey.PublicKey, signingKeyId, signing, hmacKey);

        JsonObject SealNode(byte[] plaintext, bool success) => JsonNode.Parse(sealer.Seal(plaintext, success,
            PrefixedId.New(PrefixedId.AuditEvent, now), PrefixedId.New(PrefixedId.Request, now), DateTimeOffset.UtcNow).ToUtf8Json())!.AsObject();

        var valid = new JsonArray();
        void AddValid(byte[] plaintext, bool success) => valid.Add(new JsonObject { ["plaintext"] = Convert.ToBase64String(plaintext), ["envelope"] = SealNode(plaintext, success) });
        AddValid([], true);
        AddValid("{"u8.ToArray(), true);
        AddValid(Encoding.UTF8.GetBytes("{\"status\":200,\"operation\":\"list_users\",\"okta_request_id\":\"reqV3ct0r\",\"rate_limit\":{\"limit\":600,\"remaining\":598,\"reset\":1764000000},\"next_cursor\":\"00ud4tVDDXYVKPXKVLCO\",\"body\":[{\"id\":\"00ub0oNGTSWTBKOLGLNR\",\"status\":\"ACTIVE\"}]}"), true);
        AddValid(Encoding.UTF8.GetBytes("{\"status\":404,\"operation\":\"get_user\",\"okta_request_id\":\"reqV3ct0r2\",\"body\":{\"errorCode\":\"E0000007\",\"errorSummary\":\"Not found: Resource not found: nobody (User)\",\"errorLink\":\"E0000007\",\"errorId\":\"oaeV3ct0r\",\"errorCauses\":[]}}"), false);
        AddValid(RandomNumberGenerator.GetBytes(120 * 1024), true);
        AddValid(Encoding.UTF8.GetBytes("unicode: \u00e9\u4e2d\U0001F510"), true);

        var invalid = new JsonArray();
        var basePlain = Encoding.UTF8.GetBytes("{\"status\":200,\"body\":[]}");
        void AddInvalid(string reason, Action<JsonObject> tamper)
        {
            var node = SealNode(basePlain, true);
            tamper(node);
            invalid.Add(new JsonObject { ["reason"] = reason, ["envelope"] = node });
        }
        static void Flip(JsonObject o, string section, string field, int index = -1)
        {
            var bytes = Convert.FromBase64String(o[section]![field]!.GetValue<string>());
            bytes[index < 0 ? bytes.Length / 2 : index] ^= 0x01;
            o[section]![field] = Convert.ToBase64String(bytes);
        }
        AddInvalid("ciphertext_kem has a flipped byte", o => Flip(o, "encrypted", "ciphertext_kem"));
        AddInvalid("ciphertext_data has a flipped byte", o => Flip(o, "encrypted", "ciphertext_data"));
        AddInvalid("the GCM tag has a flipped byte", o => Flip(o, "encrypted", "ciphertext_data", Convert.FromBase64String(o["encrypted"]!["ciphertext_data"]!.GetValue<string>()).Length - 1));
        AddInvalid("nonce has a flipped byte", o => Flip(o, "encrypted", "nonce"));
        AddInvalid("pqc_signature has a flipped byte", o => Flip(o, "signature", "pqc_signature"));
        AddInvalid("hmac_signature has a flipped byte", o => Flip(o, "signature", "hmac_signature"));
        AddInvalid("success flipped after signing", o => o["success"] = false);
        AddInvalid("audit_event_id changed", o => o["audit_event_id"] = PrefixedId.New(PrefixedId.AuditEvent));
        AddInvalid("request_id changed", o => o["request_id"] = PrefixedId.New(PrefixedId.Request));
        AddInvalid("issued_at changed", o => o["issued_at"] = "2030-01-01T00:00:00.000Z");
        AddInvalid("key ids swapped between encrypted and signature", o =>
        {
            var e = o["encrypted"]!["key_id"]!.GetValue<string>();
            o["encrypted"]!["key_id"] = o["signature"]!["key_id"]!.GetValue<string>();
            o["signature"]!["key_id"] = e;
        });
        AddInvalid("pqc_signature truncated to 3308 bytes", o => o["signature"]!["pqc_signature"] = Convert.ToBase64String(Convert.FromBase64String(o["signature"]!["pqc_signature"]!.GetValue<string>())[..3308]));
        AddInvalid("wrong version", o => o["version"] = "qp-envelope-v0");
        AddInvalid("unknown top-level field", o => o["note"] = "x");
        AddInvalid("missing request_id", o => o.Remove("request_id"));
        AddInvalid("signature.tenant_id differs from encrypted.tenant_id", o => o["signature"]!["tenant_id"] = PrefixedId.New(PrefixedId.Tenant));
        AddInvalid("nonce is not valid base64", o => o["encrypted"]!["nonce"] = "AAAA AAAAAAAAAAA");
        AddInvalid("encrypted.algorithm is not ML-KEM-768", o => o["encrypted"]!["algorithm"] = "X25519");
        AddInvalid("ML-DSA-65 signature by another key under the same key id (HMAC valid)", o =>
        {
            var env = HybridCryptoEnvelope.Parse(Encoding.UTF8.GetBytes(o.ToJsonString()));
            o["signature"]!["pqc_signature"] = Convert.ToBase64String(MlDsa65PrivateKey.FromSeed(MlDsa65.GenerateSeed()).Sign(env.SignedMessage(), EnvelopeFormat.SignatureContext));
        });
        AddInvalid("HMAC under another key (ML-DSA-65 valid)", o =>
        {
            var env = HybridCryptoEnvelope.Parse(Encoding.UTF8.GetBytes(o.ToJsonString()));
            o["signature"]!["hmac_signature"] = Convert.ToBase64String(HMACSHA512.HashData(RandomNumberGenerator.GetBytes(64), env.SignedMessage()));
        });

        var keys = JsonNode.Parse(bundle.ToUtf8Json())!;
        var result = new JsonObject
        {
            ["format"] = "qp-envelope-v1-vectors",
            ["keys"] = keys,
            ["sender"] = new JsonObject { ["signing_seeds"] = new JsonArray(new JsonObject { ["key_id"] = signingKeyId, ["seed"] = Convert.ToBase64String(signingSeed) }) },
            ["valid"] = valid,
            ["invalid"] = invalid,
        };
        CryptographicOperations.ZeroMemory(signingSeed);
        CryptographicOperations.ZeroMemory(hmacKey);
        return result;
    }
}
