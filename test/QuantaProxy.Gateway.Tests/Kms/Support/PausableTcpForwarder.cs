using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace QuantaProxy.Gateway.Tests.Kms.Support;

/// <summary>
/// A loopback TCP forwarder placed between the KMS client and moto, so a test can cut KMS off and bring it back
/// while moto (and the keys it holds in memory) stays up. During an outage new connections are either reset at once
/// (<see cref="OutageMode.Reset"/>) or accepted and never answered (<see cref="OutageMode.Blackhole"/>); connections
/// open when the outage starts are reset, so pooled keep-alive connections cannot bypass it.
/// </summary>
public sealed class PausableTcpForwarder : IAsyncDisposable
{
    public enum OutageMode
    {
        Reset,
        Blackhole,
    }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _acceptLoop;
    private volatile int _targetPort;
    private volatile object? _outage; // boxed OutageMode, null when forwarding

    public PausableTcpForwarder(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public void Retarget(int targetPort) => _targetPort = targetPort;

    public void StartOutage(OutageMode mode)
    {
        _outage = mode;
        ResetOpenConnections();
    }

    public void EndOutage()
    {
        _outage = null;
        // Blackholed connections were never answered: reset them so the client gives up on them now.
        ResetOpenConnections();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        ResetOpenConnections();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(Socket client)
    {
        switch (_outage)
        {
            case OutageMode.Reset:
                Reset(client);
                return;
            case OutageMode.Blackhole:
                _open.TryAdd(client, 0);
                return;
        }

        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _targetPort), _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Reset(upstream);
            Reset(client);
            return;
        }
        _open.TryAdd(client, 0);
        _open.TryAdd(upstream, 0);
        try
        {
            await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(upstream, out _);
            client.Dispose();
            upstream.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                    return;
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private void ResetOpenConnections()
    {
        foreach (var socket in _open.Keys)
        {
            if (_open.TryRemove(socket, out _))
                Reset(socket);
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        socket.Dispose();
    }
}
