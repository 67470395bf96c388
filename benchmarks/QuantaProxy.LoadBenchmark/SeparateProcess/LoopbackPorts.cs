using System.Net;
using System.Net.Sockets;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>Free TCP ports on 127.0.0.1, asked of the kernel (bind to port 0), for the child servers to listen on.</summary>
internal static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
