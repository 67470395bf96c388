using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using QuantaProxy.Gateway.Okta;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// Every live trusted issuer, by issuer URL, read from storage at most every <see cref="SnapshotLifetime"/> (a token naming
/// an unknown issuer never causes a lookup of its own), and one cached metadata/JWKS manager per issuer: keys are fetched
/// on first use, refreshed on schedule and on an unknown key id at most once per minimum interval, never per call.
/// </summary>
public sealed class TrustedIssuerRegistry : IDisposable
{
    public static readonly TimeSpan SnapshotLifetime = TimeSpan.FromSeconds(2);
    private const int MaxMetadataBytes = 256 * 1024;
    private readonly TrustedIssuerStore _store;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly bool _allowLoopback;
    private readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> _managers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Snapshot _snapshot = new([], DateTimeOffset.MinValue);

    private sealed record Snapshot(IReadOnlyList<TrustedIssuerRecord> Records, DateTimeOffset Expires);

    public TrustedIssuerRegistry(TrustedIssuerStore store, IOptions<AgentOptions> options, IOptions<OktaOptions> okta, TimeProvider time)
    {
        _store = store;
        _options = options.Value;
        _time = time;
        _allowLoopback = okta.Value.AllowLoopback;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(5),
            MaxResponseContentBufferSize = MaxMetadataBytes,
        };
    }

    /// <summary>The live entries whose issuer is exactly <paramref name="issuer"/>.</summary>
    public async ValueTask<IReadOnlyList<TrustedIssuerRecord>> FindAsync(string issuer, CancellationToken ct)
    {
        var snapshot = _snapshot;
        if (snapshot.Expires <= _time.GetUtcNow()) snapshot = await ReloadAsync(ct);
        return snapshot.Records.Where(r => string.Equals(r.Issuer, issuer, StringComparison.Ordinal)).ToList();
    }

    /// <summary>Forgets the snapshot (this replica sees a change at once; others within <see cref="SnapshotLifetime"/>).</summary>
    public void Invalidate() => _snapshot = new([], DateTimeOffset.MinValue);

    public ConfigurationManager<OpenIdConnectConfiguration> MetadataFor(string issuer) => _managers.GetOrAdd(issuer, i =>
        new ConfigurationManager<OpenIdConnectConfiguration>(i.TrimEnd('/') + "/.well-known/oauth-authorization-server",
            new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever(_http) { RequireHttps = !_allowLoopback })
        {
            AutomaticRefreshInterval = _options.MetadataRefreshInterval,
            RefreshInterval = _options.MetadataMinimumRefreshInterval,
        });

    private async Task<Snapshot> ReloadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            if (_snapshot.Expires > _time.GetUtcNow()) return _snapshot;
            var records = await _store.ListAllLiveAsync(ct);
            // Managers of issuers no tenant trusts any more are dropped, so their number is bounded by the live entries.
            foreach (var issuer in _managers.Keys)
                if (!records.Any(r => r.Issuer == issuer)) _managers.TryRemove(issuer, out _);
            var snapshot = new Snapshot(records, _time.GetUtcNow() + SnapshotLifetime);
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _reload.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _reload.Dispose();
    }
}
