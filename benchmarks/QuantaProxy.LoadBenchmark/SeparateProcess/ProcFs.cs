using System.Diagnostics;
using System.Globalization;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>Per-process CPU time and memory from Linux's <c>/proc</c>, without any agent inside the measured process.</summary>
internal static class ProcFs
{
    /// <summary>Units of <c>utime</c>/<c>stime</c> in <c>/proc/&lt;pid&gt;/stat</c> (<c>sysconf(_SC_CLK_TCK)</c>, nearly always 100).</summary>
    public static readonly long ClockTicksPerSecond = ReadClockTicks();

    /// <summary>User + system CPU time of the process so far, in clock ticks.</summary>
    public static long CpuTicks(int pid) => TicksOf(File.ReadAllText($"/proc/{pid}/stat"));

    /// <summary>CPU ticks and name (<c>comm</c>, e.g. <c>.NET TP Worker</c>) of each thread of the process alive now.</summary>
    public static Dictionary<int, (string Name, long Ticks)> ThreadTicks(int pid)
    {
        var threads = new Dictionary<int, (string, long)>();
        foreach (var dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')].Trim();
                threads[int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture)] = (name, TicksOf(stat));
            }
            catch (IOException)
            {
                // The thread ended while we read.
            }
        }
        return threads;
    }

    private static long TicksOf(string stat)
    {
        // The command name (field 2) is in parentheses and may contain spaces: fields are counted after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>Current resident set (VmRSS) and its high-water mark (VmHWM), in KiB.</summary>
    public static (long RssKb, long PeakKb) Memory(int pid)
    {
        var fields = StatusKilobytes(pid, "VmRSS:", "VmHWM:");
        return (fields[0], fields[1]);
    }

    /// <summary>RSS split into anonymous memory (GC heap, native allocations, stacks) and file-backed pages (mapped assemblies and libraries).</summary>
    public static (long AnonKb, long FileKb) RssParts(int pid)
    {
        var fields = StatusKilobytes(pid, "RssAnon:", "RssFile:");
        return (fields[0], fields[1]);
    }

    /// <summary>The process's thread count.</summary>
    public static long Threads(int pid) => StatusKilobytes(pid, "Threads:")[0];

    /// <summary>The kB values (or counts) of the named lines of <c>/proc/&lt;pid&gt;/status</c> (0 for a line that is not there).</summary>
    private static long[] StatusKilobytes(int pid, params string[] names)
    {
        var values = new long[names.Length];
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            var i = Array.FindIndex(names, n => line.StartsWith(n, StringComparison.Ordinal));
            if (i >= 0) values[i] = Kilobytes(line);
        }
        return values;
    }

    /// <summary>Resets VmHWM to the current RSS (Linux ≥ 4.0, <c>echo 5 &gt; clear_refs</c>) so a cell's peak is its own.</summary>
    public static bool TryResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Busy and total jiffies of the whole machine (first line of <c>/proc/stat</c>), to see other load.</summary>
    public static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        var idle = fields[3] + fields[4]; // idle + iowait
        return (total - idle, total);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static long ReadClockTicks()
    {
        try
        {
            using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false })!;
            var text = getconf.StandardOutput.ReadToEnd().Trim();
            getconf.WaitForExit();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks > 0 ? ticks : 100;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 100; // USER_HZ on every Linux architecture .NET runs on
        }
    }
}
