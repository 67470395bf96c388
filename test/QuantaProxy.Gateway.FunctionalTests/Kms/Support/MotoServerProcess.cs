using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace QuantaProxy.Gateway.Tests.Kms.Support;

/// <summary>A moto_server process of the test's own, on a free loopback port, killed (with its children) on dispose.</summary>
internal sealed class MotoServerProcess : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private MotoServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public static async Task<MotoServerProcess> StartAsync(string executable)
    {
        var port = FreeLoopbackPort();
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        var process = new Process { StartInfo = start };
        var moto = new MotoServerProcess(process, port);
        process.OutputDataReceived += (_, e) => moto.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => moto.Remember(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await moto.WaitUntilServingAsync();
            return moto;
        }
        catch
        {
            moto.Dispose();
            throw;
        }
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private async Task WaitUntilServingAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var deadline = new CancellationTokenSource(StartDeadline);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode} before serving:\n{RecentOutput()}");
            try
            {
                using var response = await http.GetAsync(Url, deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException($"moto_server did not serve on port {Port} within {StartDeadline.TotalSeconds} s:\n{RecentOutput()}");
            }
            await Task.Delay(100, CancellationToken.None);
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 40)
                _output.Dequeue();
        }
    }

    private string RecentOutput()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
