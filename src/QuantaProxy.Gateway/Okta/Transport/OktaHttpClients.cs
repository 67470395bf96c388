using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Okta;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>
/// One pooled <see cref="SocketsHttpHandler"/> per Okta base URL, shared by every call to that org. Outside development
/// (AllowLoopback) the connect step refuses loopback, private and link-local addresses, so a DNS answer cannot turn an
/// allowed Okta host name into a request into the gateway's own network.
/// </summary>
public sealed class OktaHttpClients(IOptions<OktaOptions> options, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<HttpMessageInvoker>> _invokers = new(StringComparer.Ordinal);
    private readonly bool _allowLoopback = options.Value.AllowLoopback;

    /// <summary>Okta orgs with a pooled handler at most; past it, handlers idle for <see cref="IdleHandlerLifetime"/> are dropped.</summary>
    internal const int MaxHandlers = 1_000;
    internal static readonly TimeSpan IdleHandlerLifetime = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, long> _lastUsed = new(StringComparer.Ordinal);

    internal int HandlerCount => _invokers.Count;

    public HttpMessageInvoker For(Uri baseUri)
    {
        var key = baseUri.GetLeftPart(UriPartial.Authority);
        _lastUsed[key] = time.GetTimestamp();
        if (_invokers.Count >= MaxHandlers && !_invokers.ContainsKey(key)) EvictIdle();
        return _invokers.GetOrAdd(key, _ => new Lazy<HttpMessageInvoker>(Create)).Value;
    }

    /// <summary>
    /// Drops handlers no call has used for a while. A dropped handler is disposed only after a grace period longer than
    /// any call, so a request that fetched it just before cannot find it disposed.
    /// </summary>
    private void EvictIdle()
    {
        var now = time.GetTimestamp();
        foreach (var (key, invoker) in _invokers)
        {
            if (!_lastUsed.TryGetValue(key, out var used) || time.GetElapsedTime(used, now) < IdleHandlerLifetime) continue;
            if (!_invokers.TryRemove(new KeyValuePair<string, Lazy<HttpMessageInvoker>>(key, invoker))) continue;
            _lastUsed.TryRemove(key, out _);
            if (invoker.IsValueCreated)
                _ = Task.Delay(TimeSpan.FromMinutes(5)).ContinueWith(_ => invoker.Value.Dispose(), TaskScheduler.Default);
        }
    }

    private HttpMessageInvoker Create()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
            ConnectCallback = ConnectAsync,
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        var allowed = addresses.Where(a => _allowLoopback ? IPAddress.IsLoopback(a) || IsPublic(a) : IsPublic(a)).ToArray();
        if (allowed.Length == 0) throw new HttpRequestException(HttpRequestError.ConnectionError, "The Okta host resolved only to addresses the gateway may not call.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal static bool IsPublic(IPAddress address) => SpecialPurposeAddresses.IsPublic(address);

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values)
            if (invoker.IsValueCreated) invoker.Value.Dispose();
    }
}
