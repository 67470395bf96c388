using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>
/// A CPU profile of the gateway process taken with Linux <c>perf</c> (<c>perf record -e cpu-clock -g -p PID</c>, every
/// thread, kernel included) while a cell's load runs, and reduced to shares by where the time went. The gateway is
/// started with <c>DOTNET_PerfMapEnabled=3</c>, so perf names JIT-compiled methods from <c>/tmp/perf-PID.map</c>
/// (hot methods are all re-JIT-compiled at tier 1, precompiled framework code that stays cold is counted by its DLL).
/// </summary>
internal static partial class PerfProfile
{
    /// <summary>
    /// What the gateway needs to be profiled: the perf map (3 = the map only, no perfinfo file), and JIT-compiled code
    /// mapped once (with W^X the runtime maps it twice through a memfd, and perf cannot tie samples to the map).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> GatewayEnvironment = new Dictionary<string, string>
    {
        ["DOTNET_PerfMapEnabled"] = "3",
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    /// <summary>Whether <c>perf</c> is on the PATH (whether it may sample another process shows at the first record).</summary>
    public static bool IsAvailable(out string why)
    {
        try
        {
            var (code, output) = Run("perf", ["--version"], TimeSpan.FromSeconds(10));
            why = code == 0 ? output.Trim() : $"perf --version exited with {code}";
            return code == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            why = "perf is not installed (Debian: apt-get install linux-perf)";
            return false;
        }
    }

    /// <summary>Samples <paramref name="pid"/> at 999 Hz while <paramref name="load"/> runs, then reduces the samples.</summary>
    public static async Task<ProfileResult> RecordAsync(int pid, string label, string dataPath, Func<Task> load)
    {
        var info = new ProcessStartInfo("perf") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "record", "-e", "cpu-clock", "-F", "999", "-g", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", dataPath })
            info.ArgumentList.Add(a);
        using var perf = Process.Start(info) ?? throw new InvalidOperationException("perf did not start");
        var stderr = perf.StandardError.ReadToEndAsync();
        await Task.Delay(300); // perf attaches to every thread before the load starts
        await load();
        // perf writes its file and stops on SIGINT; .NET has no call that sends one, so `kill -INT` does.
        Signal(perf.Id);
        if (!perf.WaitForExit(60_000)) perf.Kill();
        if (!File.Exists(dataPath)) throw new InvalidOperationException($"perf record wrote nothing: {await stderr}");
        var (code, report) = Run("perf", ["report", "-i", dataPath, "--stdio", "--no-children", "-g", "none", "-n", "-t", "\t", "--sort", "dso,sym", "--percent-limit", "0"], TimeSpan.FromMinutes(3));
        if (code != 0) throw new InvalidOperationException($"perf report exited with {code}");
        var (childrenCode, children) = Run("perf", ["report", "-i", dataPath, "--stdio", "--children", "-g", "none", "-t", "\t", "--sort", "sym", "--percent-limit", "0"], TimeSpan.FromMinutes(3));
        if (childrenCode != 0) throw new InvalidOperationException($"perf report --children exited with {childrenCode}");
        return Reduce(label, report) with { Frames = Inclusive(children) };
    }

    /// <summary>
    /// Synchronous frames whose inclusive share (the samples with the frame anywhere on the stack) says what one
    /// operation costs in all: the envelope's two halves and, inside the signature, the matrix <b>A</b> that
    /// BouncyCastle expands from the public seed ρ again on every signature (per-key work its API gives no way to keep).
    /// Asynchronous methods are left out: their frames hold only the part of a call that ran before its first await.
    /// </summary>
    internal static readonly (string Label, string Frame)[] InclusiveFrames =
    [
        ("`EnvelopeSealer.Sign`: the envelope's signature (ML-DSA-65 + HMAC-SHA-512)", "QuantaProxy.Crypto.Envelopes.EnvelopeSealer::Sign("),
        ("· `MLDsaSigner.GenerateSignature`: ML-DSA-65 (BouncyCastle)", "Org.BouncyCastle.Crypto.Signers.MLDsaSigner::GenerateSignature("),
        ("· · `MLDsa.Poly.UniformBlocks`: the matrix A sampled from ρ again (per key, redone every signature)", "Org.BouncyCastle.Crypto.Signers.MLDsa.Poly::UniformBlocks("),
        ("`EnvelopeSealer.Encrypt`: the envelope's encryption (HPKE with ML-KEM-768, AES-256-GCM, M and its digest)", "QuantaProxy.Crypto.Envelopes.EnvelopeSealer::Encrypt("),
        ("· `MLKemEngine.KemEncrypt`: ML-KEM-768 encapsulation (BouncyCastle)", "Org.BouncyCastle.Crypto.Kems.MLKem.MLKemEngine::KemEncrypt("),
    ];

    /// <summary>Inclusive shares of <see cref="InclusiveFrames"/> from <c>perf report --children -t TAB --sort sym</c> text.</summary>
    internal static IReadOnlyList<ProfileCategory> Inclusive(string report)
    {
        var shares = new double[InclusiveFrames.Length];
        foreach (var (children, fields) in Rows(report, 3))
        {
            // One method may have several compiled versions (tier 1, OSR): a sample is in one of them, so they add up.
            for (var i = 0; i < InclusiveFrames.Length; i++)
                if (fields[2].Contains(InclusiveFrames[i].Frame, StringComparison.Ordinal)) shares[i] += children;
        }
        return InclusiveFrames.Select((f, i) => new ProfileCategory(f.Label, Math.Round(shares[i], 2))).ToList();
    }

    /// <summary>Shares by category and the heaviest symbols, from <c>perf report -n -t TAB --sort dso,sym</c> text.</summary>
    internal static ProfileResult Reduce(string label, string report)
    {
        var symbols = new List<ProfileSymbol>();
        long samples = 0;
        // " 1.83%  \t  1093 \tlibc.so.6   \t[.] __memset_evex_unaligned_erms" (a shared object's name may hold spaces)
        foreach (var (percent, fields) in Rows(report, 4))
        {
            if (fields[3].Length < 4 || fields[3][0] != '[') continue;
            if (!long.TryParse(fields[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)) continue;
            samples += count;
            var dso = fields[2].Trim();
            if (dso.StartsWith("[JIT]", StringComparison.Ordinal)) dso = "JIT-compiled"; // "[JIT] tid 6043": the process's perf map
            var kind = fields[3][1..2];
            var symbol = fields[3][4..].Trim();
            symbols.Add(new ProfileSymbol(percent, dso, Shorten(symbol), Categorise(dso, kind, symbol)));
        }
        var categories = symbols.GroupBy(x => x.Category).Select(g => new ProfileCategory(g.Key, Math.Round(g.Sum(x => x.Percent), 2)))
            .OrderByDescending(c => c.Percent).ToList();
        var top = symbols.OrderByDescending(x => x.Percent).Take(25).ToList();
        return new ProfileResult(label, samples, categories, top);
    }

    /// <summary>The data rows of a <c>perf report -t TAB</c> text with <paramref name="fieldCount"/> fields, and each row's leading percentage.</summary>
    private static IEnumerable<(double Percent, string[] Fields)> Rows(string report, int fieldCount)
    {
        foreach (var line in report.Split('\n'))
        {
            if (line.StartsWith('#')) continue;
            var fields = line.Split('\t');
            if (fields.Length == fieldCount && double.TryParse(fields[0].Trim().TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent))
                yield return (percent, fields);
        }
    }

    /// <summary>Where a sample's time went, by the code it was in (the order of the checks matters: first match wins).</summary>
    internal static string Categorise(string dso, string kind, string symbol)
    {
        if (kind == "k" || dso.StartsWith("[kernel", StringComparison.Ordinal)) return "kernel (TCP loopback, scheduler, page faults, fsync)";
        if (symbol.Contains("Org.BouncyCastle", StringComparison.Ordinal))
        {
            if (symbol.Contains("Keccak", StringComparison.Ordinal) || symbol.Contains("Shake", StringComparison.Ordinal) || symbol.Contains("Sha3", StringComparison.Ordinal))
                return "BouncyCastle: Keccak / SHAKE (inside ML-DSA and ML-KEM)";
            if (symbol.Contains("MLDsa", StringComparison.Ordinal) || symbol.Contains("Dilithium", StringComparison.Ordinal)) return "BouncyCastle: ML-DSA-65 (signing)";
            if (symbol.Contains("MLKem", StringComparison.Ordinal) || symbol.Contains("Kyber", StringComparison.Ordinal)) return "BouncyCastle: ML-KEM-768";
            return "BouncyCastle: other";
        }
        if (dso.Contains("libcrypto", StringComparison.Ordinal) || dso.Contains("libssl", StringComparison.Ordinal)) return "OpenSSL (AES-GCM, HMAC-SHA-512, SHA-256)";
        if (dso.Contains("sqlite", StringComparison.OrdinalIgnoreCase) || symbol.Contains("Sqlite", StringComparison.OrdinalIgnoreCase)) return "SQLite (native engine and ADO.NET)";
        if (dso.StartsWith("libcoreclr", StringComparison.Ordinal) || dso.StartsWith("libclrjit", StringComparison.Ordinal) || symbol.StartsWith("stub<", StringComparison.Ordinal)
            || dso.StartsWith("libSystem.Native", StringComparison.Ordinal))
            return "runtime (GC, type system, stubs, interop)";
        if (dso.StartsWith("libc", StringComparison.Ordinal) || dso.StartsWith("ld-linux", StringComparison.Ordinal) || dso.StartsWith("libstdc++", StringComparison.Ordinal))
            return "libc (memcpy, malloc, futex wrappers)";
        if (symbol.Contains("QuantaProxy", StringComparison.Ordinal)) return "QuantaProxy's own code";
        if (symbol.Contains("System.Text.Json", StringComparison.Ordinal)) return "JSON (System.Text.Json)";
        if (symbol.Contains("Yarp", StringComparison.Ordinal) || symbol.Contains("Polly", StringComparison.Ordinal) || symbol.Contains("System.Net.Http", StringComparison.Ordinal))
            return "outbound HTTP (YARP forwarder, Polly, HttpClient)";
        if (symbol.Contains("Microsoft.AspNetCore", StringComparison.Ordinal) || symbol.Contains("System.IO.Pipelines", StringComparison.Ordinal)
            || symbol.Contains("System.Net.Sockets", StringComparison.Ordinal))
            return "inbound HTTP (Kestrel, ASP.NET Core, sockets)";
        if (symbol.Contains("OpenTelemetry", StringComparison.Ordinal) || symbol.Contains("System.Diagnostics", StringComparison.Ordinal)
            || symbol.Contains("Microsoft.Extensions.Logging", StringComparison.Ordinal))
            return "telemetry and logging";
        if (dso.StartsWith("perf-", StringComparison.Ordinal) || dso.EndsWith(".dll", StringComparison.Ordinal) || dso == "JIT-compiled")
            return "other managed code (collections, threading, strings, LINQ)";
        return "unresolved";
    }

    // "void [Org.BouncyCastle.Cryptography] Org.BouncyCastle.Crypto.Digests.KeccakDigest::KeccakPermutation(uint64[])[Optimized]"
    // reads better as "Org.BouncyCastle.Crypto.Digests.KeccakDigest::KeccakPermutation".
    private static string Shorten(string symbol)
    {
        var m = ManagedSymbol().Match(symbol);
        return m.Success ? m.Groups[1].Value : symbol.Length > 120 ? symbol[..120] : symbol;
    }

    private static void Signal(int pid)
    {
        try
        {
            Run("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No kill binary: the caller's WaitForExit times out and kills perf, which then leaves no readable file.
        }
    }

    private static (int Code, string Output) Run(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout)) process.Kill();
        return (process.ExitCode, output.GetAwaiter().GetResult());
    }

    [GeneratedRegex(@"\]\s*([\w.`<>,+\[\]]+::[\w.`<>]+)")]
    private static partial Regex ManagedSymbol();
}

/// <summary>One profiled window: its sample count, the shares by category, and the heaviest symbols.</summary>
internal sealed record ProfileResult(string Label, long Samples, IReadOnlyList<ProfileCategory> Categories, IReadOnlyList<ProfileSymbol> TopSymbols)
{
    /// <summary>Inclusive shares of a few synchronous frames (<see cref="PerfProfile.InclusiveFrames"/>).</summary>
    public IReadOnlyList<ProfileCategory> Frames { get; init; } = [];
}

internal sealed record ProfileCategory(string Category, double Percent);

internal sealed record ProfileSymbol(double Percent, string Dso, string Symbol, string Category);
