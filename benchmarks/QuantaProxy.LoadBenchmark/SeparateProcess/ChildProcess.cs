using System.Collections.Concurrent;
using System.Diagnostics;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>
/// A server the harness runs as its own process (<c>dotnet some.dll ...</c>), so its CPU and memory can be read from
/// <c>/proc/&lt;pid&gt;</c> apart from the clients'. Output goes to a log file (and the last lines are kept for error
/// messages). Disposing kills the whole process tree; so does the harness exiting, even on Ctrl+C or SIGTERM.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private static readonly ConcurrentDictionary<ChildProcess, byte> Running = new();
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly ConcurrentQueue<string> _tail = new();

    static ChildProcess()
    {
        // try/finally does not run when the runtime is shutting down on a signal; this does.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var child in Running.Keys) child.Dispose();
        };
    }

    private ChildProcess(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public string Name { get; }
    public string LogPath { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process printed, for a failure message.</summary>
    public string Tail => string.Join(Environment.NewLine, _tail);

    public static ChildProcess StartDotnet(string name, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException($"{name}: {dll} is missing; build it with dotnet build -c Release first.", dll);
        var info = new ProcessStartInfo("dotnet")
        {
            // The content root is the working directory: the gateway then reads the appsettings.json it ships with.
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(name, process, log, logPath);
        process.OutputDataReceived += (_, e) => child.Record(e.Data);
        process.ErrorDataReceived += (_, e) => child.Record(e.Data);
        process.Start();
        Running[child] = 0;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Polls <paramref name="url"/> until it answers 2xx; fails fast if the process exits.</summary>
    public async Task WaitUntilReadyAsync(HttpClient http, Uri url, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready:{Environment.NewLine}{Tail}");
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name} was not ready at {url} within {timeout.TotalSeconds:F0} s:{Environment.NewLine}{Tail}");
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.WriteLine(line);
        }
        _tail.Enqueue(line);
        while (_tail.Count > 30) _tail.TryDequeue(out _);
    }

    public void Dispose()
    {
        if (!Running.TryRemove(this, out _)) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}
