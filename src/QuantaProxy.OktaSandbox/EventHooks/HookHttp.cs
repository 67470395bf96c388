using System.Net;
using System.Net.Sockets;
using System.Text;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>The answer to one call to a hook: its status (null when there was none) and, for verification, its body.</summary>
internal sealed record HookAnswer(int? Status, string? Body, string? Failure)
{
    public bool Succeeded => Status is >= 200 and < 300;
}

/// <summary>
/// Calls hooks as Okta does: the configured headers and auth header, a timeout per call, no redirects, no proxy. The connection
/// is checked again at connect time to be a loopback address, whatever a name resolves to.
/// </summary>
internal sealed class HookHttp : IDisposable
{
    public const string ChallengeHeader = "X-Okta-Verification-Challenge";

    /// <summary>Longest answer read from a hook; a verification answer is tens of bytes.</summary>
    private const int MaxAnswerBytes = 16 * 1024;

    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    public HookHttp(TimeSpan timeout)
    {
        _timeout = timeout;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = ConnectLoopbackAsync,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>A GET with the verification challenge header, or a POST of <paramref name="json"/>.</summary>
    public async Task<HookAnswer> CallAsync(EventHook hook, string? json, string? challenge, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(json is null ? HttpMethod.Get : HttpMethod.Post, hook.Uri);
        foreach (var header in hook.Headers) request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        if (hook.AuthKey is not null) request.Headers.TryAddWithoutValidation(hook.AuthKey, hook.AuthValue);
        if (challenge is not null) request.Headers.TryAddWithoutValidation(ChallengeHeader, challenge);
        request.Headers.Accept.ParseAdd("application/json");
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadBoundedAsync(response, timeout.Token);
            return new HookAnswer((int)response.StatusCode, body, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new HookAnswer(null, null, "timeout");
        }
        catch (HttpRequestException e)
        {
            return new HookAnswer(null, null, e.HttpRequestError.ToString());
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxAnswerBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += read;
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static async ValueTask<Stream> ConnectLoopbackAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(context.DnsEndPoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        var loopback = addresses.FirstOrDefault(IPAddress.IsLoopback)
                       ?? throw new HttpRequestException(HttpRequestError.ConnectionError, "event hooks may only be called on loopback addresses");
        var socket = new Socket(loopback.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(loopback, context.DnsEndPoint.Port), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _http.Dispose();
}
