using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Okta;

/// <summary>
/// One pooled <see cref="SocketsHttpHandler"/> per Okta base URL, shared by every call to that org. Outside development
/// (AllowLoopback) the connect step refuses loopback, private and link-local addresses, so a DNS answer cannot turn an
/// allowed Okta host name into a request into the gateway's own network.
/// </summary>
public sealed class OktaHttpClients(IOptions<OktaOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<HttpMessageInvoker>> _invokers = new(StringComparer.Ordinal);
    private readonly bool _allowLoopback = options.Value.AllowLoopback;

    public HttpMessageInvoker For(Uri baseUri) =>
        _invokers.GetOrAdd(baseUri.GetLeftPart(UriPartial.Authority), _ => new Lazy<HttpMessageInvoker>(Create)).Value;

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
