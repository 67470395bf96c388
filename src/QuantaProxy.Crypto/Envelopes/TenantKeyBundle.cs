using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Crypto.Envelopes;

/// <summary>
/// The tenant key bundle of FORMATS.md §4: what a tenant keeps to open and verify its envelopes offline. Holds secrets
/// (envelope seeds, the HMAC key): keep the file at mode 0600 and dispose the object to zero them.
/// </summary>
public sealed class TenantKeyBundle : IDisposable
{
    public const string Format = "qp-tenant-keys-v1";
    private const int MaxBundleBytes = 1024 * 1024;

    public sealed class EnvelopeKey(string keyId, byte[] seed)
    {
        public string KeyId { get; } = keyId;
        internal byte[] Seed { get; } = seed;
        public MlKem768PrivateKey PrivateKey { get; } = MlKem768PrivateKey.FromSeed(seed);
    }

    public sealed record SigningKey(string KeyId, MlDsa65PublicKey PublicKey);

    public sealed record CheckpointKey(string Name, MlDsa65PublicKey PublicKey);

    private readonly byte[] _hmacKey;

    public TenantKeyBundle(string tenantId, IReadOnlyList<EnvelopeKey> envelopeKeys, IReadOnlyList<SigningKey> signingKeys, ReadOnlySpan<byte> hmacKey, IReadOnlyList<CheckpointKey> checkpointKeys)
    {
        if (hmacKey.Length != EnvelopeFormat.HmacKeySize) throw new ArgumentException("hmac_key must be 64 bytes.", nameof(hmacKey));
        TenantId = tenantId;
        EnvelopeKeys = envelopeKeys;
        SigningKeys = signingKeys;
        CheckpointKeys = checkpointKeys;
        _hmacKey = hmacKey.ToArray();
    }

    public string TenantId { get; }
    public IReadOnlyList<EnvelopeKey> EnvelopeKeys { get; }
    public IReadOnlyList<SigningKey> SigningKeys { get; }
    public IReadOnlyList<CheckpointKey> CheckpointKeys { get; }
    internal ReadOnlySpan<byte> HmacKey => _hmacKey;

    public EnvelopeKey? FindEnvelopeKey(string keyId) => EnvelopeKeys.FirstOrDefault(k => k.KeyId == keyId);

    public SigningKey? FindSigningKey(string keyId) => SigningKeys.FirstOrDefault(k => k.KeyId == keyId);

    public static TenantKeyBundle Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxBundleBytes) throw new FormatException("The key bundle is too large.");
        try
        {
            using var document = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            var root = document.RootElement;
            Expect(root, ["format", "tenant_id", "envelope_keys", "signing_keys", "hmac_key", "checkpoint_keys"], "bundle");
            if (root.GetProperty("format").GetString() != Format) throw new FormatException("The key bundle's format is not qp-tenant-keys-v1.");
            var envelopeKeys = new List<EnvelopeKey>();
            foreach (var k in root.GetProperty("envelope_keys").EnumerateArray())
            {
                Expect(k, ["key_id", "seed", "public_key"], "envelope_keys[]");
                var seed = Convert.FromBase64String(k.GetProperty("seed").GetString()!);
                if (seed.Length != MlKem768.SeedSize) throw new FormatException("An envelope key seed is not 64 bytes.");
                var key = new EnvelopeKey(k.GetProperty("key_id").GetString()!, seed);
                var declared = Convert.FromBase64String(k.GetProperty("public_key").GetString()!);
                if (!key.PrivateKey.PublicKey.Encoded.SequenceEqual(declared)) throw new FormatException($"Envelope key {key.KeyId}: the public key does not match the seed.");
                envelopeKeys.Add(key);
            }
            var signingKeys = new List<SigningKey>();
            foreach (var k in root.GetProperty("signing_keys").EnumerateArray())
            {
                Expect(k, ["key_id", "public_key"], "signing_keys[]");
                signingKeys.Add(new SigningKey(k.GetProperty("key_id").GetString()!, MlDsa65PublicKey.FromEncoding(Convert.FromBase64String(k.GetProperty("public_key").GetString()!))));
            }
            var checkpointKeys = new List<CheckpointKey>();
            foreach (var k in root.GetProperty("checkpoint_keys").EnumerateArray())
            {
                Expect(k, ["name", "public_key"], "checkpoint_keys[]");
                checkpointKeys.Add(new CheckpointKey(k.GetProperty("name").GetString()!, MlDsa65PublicKey.FromEncoding(Convert.FromBase64String(k.GetProperty("public_key").GetString()!))));
            }
            var hmac = Convert.FromBase64String(root.GetProperty("hmac_key").GetString()!);
            try
            {
                return new TenantKeyBundle(root.GetProperty("tenant_id").GetString()!, envelopeKeys, signingKeys, hmac, checkpointKeys);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(hmac);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or CryptographicException or ArgumentException)
        {
            throw new FormatException("The key bundle is not a valid qp-tenant-keys-v1 document.", e);
        }
    }

    public byte[] ToUtf8Json()
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("tenant_id", TenantId);
            w.WriteStartArray("envelope_keys");
            foreach (var k in EnvelopeKeys)
            {
                w.WriteStartObject();
                w.WriteString("key_id", k.KeyId);
                w.WriteBase64String("seed", k.Seed);
                w.WriteBase64String("public_key", k.PrivateKey.PublicKey.Encoded);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("signing_keys");
            foreach (var k in SigningKeys)
            {
                w.WriteStartObject();
                w.WriteString("key_id", k.KeyId);
                w.WriteBase64String("public_key", k.PublicKey.Encoded);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBase64String("hmac_key", _hmacKey);
            w.WriteStartArray("checkpoint_keys");
            foreach (var k in CheckpointKeys)
            {
                w.WriteStartObject();
                w.WriteString("name", k.Name);
                w.WriteBase64String("public_key", k.PublicKey.Encoded);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the bundle to a new file created with mode 0600 (never widened, then narrowed).</summary>
    public void WriteToFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var bytes = ToUtf8Json();
        try
        {
            using var stream = new FileStream(path, options);
            stream.Write(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static void Expect(JsonElement element, string[] names, string where)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new FormatException($"{where} must be an object.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in element.EnumerateObject())
        {
            if (!seen.Add(p.Name)) throw new FormatException($"Duplicate member in {where}.");
            if (Array.IndexOf(names, p.Name) < 0) throw new FormatException($"Unknown member '{p.Name}' in {where}.");
        }
        foreach (var n in names)
            if (!seen.Contains(n)) throw new FormatException($"{where}.{n} is missing.");
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_hmacKey);
        foreach (var k in EnvelopeKeys) CryptographicOperations.ZeroMemory(k.Seed);
    }
}
