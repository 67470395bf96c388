using System.Text.Json.Nodes;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Client;

/// <summary>Builds a tenant key bundle (FORMATS.md §4) from what the tenant holds and the gateway's public keys.</summary>
public static class TenantBundles
{
    /// <param name="tenantId">The tenant.</param>
    /// <param name="envelopeKeyId">The <c>ekk_</c> id the gateway gave the registered public key.</param>
    /// <param name="envelopeSeed">The tenant's 64-byte ML-KEM-768 seed (copied; the caller zeroes its own).</param>
    /// <param name="hmacKey">The HMAC key returned once at tenant creation (copied).</param>
    /// <param name="publicKeys">The answer of <c>GET /api/v2/tenants/{id}/keys</c>.</param>
    public static TenantKeyBundle FromGatewayKeys(string tenantId, string envelopeKeyId, ReadOnlySpan<byte> envelopeSeed, ReadOnlySpan<byte> hmacKey, JsonNode publicKeys)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        static MlDsa65PublicKey Key(JsonNode k) => MlDsa65PublicKey.FromEncoding(Convert.FromBase64String(k["public_key"]!.GetValue<string>()));
        var signing = publicKeys["signing_keys"]!.AsArray().Select(k => new TenantKeyBundle.SigningKey(k!["key_id"]!.GetValue<string>(), Key(k))).ToList();
        var checkpoints = publicKeys["checkpoint_keys"]?.AsArray().Select(k => new TenantKeyBundle.CheckpointKey(k!["name"]!.GetValue<string>(), Key(k))).ToList() ?? [];
        return new TenantKeyBundle(tenantId, [new TenantKeyBundle.EnvelopeKey(envelopeKeyId, envelopeSeed.ToArray())], signing, hmacKey, checkpoints);
    }
}
