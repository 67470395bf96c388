using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.OktaSandbox.CustomAuthorizationServers;

/// <summary>
/// A custom authorization server's RS256 signing keys: one active key that signs, and older keys still published in the JWKS
/// so tokens they signed keep verifying until a rotation drops them. Keys are made at start and never leave the process.
/// </summary>
internal sealed class SigningKeySet : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<(string Kid, RSA Key)> _keys = [];

    public SigningKeySet() => _keys.Add(NewKey());

    /// <summary>The kid of the key that signs now.</summary>
    public string ActiveKeyId
    {
        get
        {
            lock (_gate) return _keys[^1].Kid;
        }
    }

    /// <summary>Every published kid, the active one last.</summary>
    public IReadOnlyList<string> KeyIds
    {
        get
        {
            lock (_gate) return _keys.Select(k => k.Kid).ToList();
        }
    }

    /// <summary>Makes a new active key; the previous ones stay published when <paramref name="keepPrevious"/>, else they are dropped.</summary>
    public string Rotate(bool keepPrevious)
    {
        var fresh = NewKey();
        List<RSA> dropped = [];
        lock (_gate)
        {
            if (!keepPrevious)
            {
                dropped.AddRange(_keys.Select(k => k.Key));
                _keys.Clear();
            }
            _keys.Add(fresh);
        }
        // Signing happens under the lock, so once a key is out of the list nothing can be using it.
        foreach (var key in dropped) key.Dispose();
        return fresh.Kid;
    }

    /// <summary>The JWKS document: <c>{"keys":[{kty, alg, kid, use, e, n}]}</c>, Okta's member order.</summary>
    public JsonObject Jwks()
    {
        lock (_gate)
        {
            return new JsonObject
            {
                ["keys"] = new JsonArray(_keys.Select(k =>
                {
                    var p = k.Key.ExportParameters(false);
                    return (JsonNode)new JsonObject
                    {
                        ["kty"] = "RSA", ["alg"] = "RS256", ["kid"] = k.Kid, ["use"] = "sig",
                        ["e"] = Base64Url.EncodeToString(p.Exponent), ["n"] = Base64Url.EncodeToString(p.Modulus),
                    };
                }).ToArray()),
            };
        }
    }

    /// <summary>The published keys as verification keys.</summary>
    public IReadOnlyList<JsonWebKey> PublicKeys() =>
        Jwks()["keys"]!.AsArray().Select(k => new JsonWebKey(k!.ToJsonString())).ToList();

    /// <summary>A compact JWS of <paramref name="payload"/> with header <c>{"kid", "alg": "RS256"}</c>, as Okta signs its tokens.</summary>
    public string Sign(JsonObject payload)
    {
        lock (_gate)
        {
            var (kid, key) = _keys[^1];
            var header = new JsonObject { ["kid"] = kid, ["alg"] = "RS256" };
            var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
            var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return signingInput + "." + Base64Url.EncodeToString(signature);
        }
    }

    private static (string Kid, RSA Key) NewKey() => (Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)), RSA.Create(2048));

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var (_, key) in _keys) key.Dispose();
            _keys.Clear();
        }
    }
}
