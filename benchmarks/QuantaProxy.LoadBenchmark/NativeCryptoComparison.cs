using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.LoadBenchmark;

/// <summary>
/// Answers one question of issue 6 with numbers: would a native provider (.NET's <see cref="MLDsa"/>/<see cref="MLKem"/>
/// over OpenSSL ≥ 3.5) raise the crypto ceiling? Times the envelope's post-quantum operations in BouncyCastle (what the
/// gateway runs) and, when the platform supports them, natively, in one process on one thread; and checks the two
/// interoperate (native signatures verify with BouncyCastle and back, native encapsulations decapsulate with BouncyCastle),
/// which any native provider would have to do before it could replace the other.
/// </summary>
public static class NativeCryptoComparison
{
    public sealed record Row(string Operation, string Implementation, double MicrosecondsMedian, double MicrosecondsMean, int Rounds);

    public sealed record Result(string OpenSslVersion, bool NativeMlDsa, bool NativeMlKem, bool Interoperates, IReadOnlyList<Row> Rows, string Machine);

    public static Result Run(int rounds)
    {
        var messages = Enumerable.Range(0, 64).Select(_ => RandomNumberGenerator.GetBytes(1536)).ToArray();
        var context = "QuantaProxy benchmark"u8.ToArray();
        var rows = new List<Row>();

        var dsaSeed = MlDsa65.GenerateSeed();
        var bcSigner = MlDsa65PrivateKey.FromSeed(dsaSeed);
        var kemSeed = MlKem768.GenerateSeed();
        var bcKem = MlKem768PrivateKey.FromSeed(kemSeed);
        var ciphertext = new byte[MlKem768.CiphertextSize];
        var secret = new byte[MlKem768.SharedSecretSize];

        var i = 0;
        rows.Add(Time("ML-DSA-65 sign (1.5 KiB, 64 messages rotating)", "BouncyCastle 2.7", rounds, () => bcSigner.Sign(messages[i++ % 64], context)));
        var bcSignature = bcSigner.Sign(messages[0], context);
        rows.Add(Time("ML-DSA-65 verify", "BouncyCastle 2.7", rounds, () => bcSigner.PublicKey.Verify(messages[0], context, bcSignature)));
        rows.Add(Time("ML-KEM-768 encapsulate", "BouncyCastle 2.7", rounds, () => bcKem.PublicKey.Encapsulate(ciphertext, secret)));
        bcKem.PublicKey.Encapsulate(ciphertext, secret);
        rows.Add(Time("ML-KEM-768 decapsulate", "BouncyCastle 2.7", rounds, () => bcKem.Decapsulate(ciphertext, secret)));

        var interoperates = true;
        if (MLDsa.IsSupported)
        {
            using var native = MLDsa.ImportMLDsaPrivateSeed(MLDsaAlgorithm.MLDsa65, dsaSeed);
            var signature = new byte[MlDsa65.SignatureSize];
            rows.Add(Time("ML-DSA-65 sign (1.5 KiB, 64 messages rotating)", "native (OpenSSL)", rounds, () => native.SignData(messages[i++ % 64], signature, context)));
            native.SignData(messages[1], signature, context);
            interoperates &= bcSigner.PublicKey.Verify(messages[1], context, signature);
            interoperates &= native.VerifyData(messages[0], bcSignature, context);
            interoperates &= native.ExportMLDsaPublicKey().AsSpan().SequenceEqual(bcSigner.PublicKey.Encoded);
            rows.Add(Time("ML-DSA-65 verify", "native (OpenSSL)", rounds, () => native.VerifyData(messages[0], bcSignature, context)));
        }
        if (MLKem.IsSupported)
        {
            using var native = MLKem.ImportPrivateSeed(MLKemAlgorithm.MLKem768, kemSeed);
            using var nativePublic = MLKem.ImportEncapsulationKey(MLKemAlgorithm.MLKem768, bcKem.PublicKey.Encoded);
            interoperates &= native.ExportEncapsulationKey().AsSpan().SequenceEqual(bcKem.PublicKey.Encoded);
            rows.Add(Time("ML-KEM-768 encapsulate", "native (OpenSSL)", rounds, () => nativePublic.Encapsulate(ciphertext, secret)));
            nativePublic.Encapsulate(ciphertext, secret);
            var decapsulated = new byte[MlKem768.SharedSecretSize];
            bcKem.Decapsulate(ciphertext, decapsulated);
            interoperates &= decapsulated.AsSpan().SequenceEqual(secret);
            rows.Add(Time("ML-KEM-768 decapsulate", "native (OpenSSL)", rounds, () => native.Decapsulate(ciphertext, secret)));
        }

        return new Result(OpenSslVersion(), MLDsa.IsSupported, MLKem.IsSupported, interoperates, rows,
            $"{CpuModel()}, {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    }

    public static string Markdown(Result result)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"OpenSSL loaded by .NET: {result.OpenSslVersion}; native ML-DSA: {result.NativeMlDsa}, native ML-KEM: {result.NativeMlKem}; " +
                                                    $"native and BouncyCastle interoperate: {(result.NativeMlDsa || result.NativeMlKem ? result.Interoperates.ToString() : "n/a")}. {result.Machine}.");
        md.AppendLine();
        md.AppendLine("| operation | implementation | median µs | mean µs | rounds |");
        md.AppendLine("|---|---|---:|---:|---:|");
        foreach (var row in result.Rows.OrderBy(r => r.Operation, StringComparer.Ordinal).ThenBy(r => r.Implementation, StringComparer.Ordinal))
            md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Operation} | {row.Implementation} | {row.MicrosecondsMedian:F0} | {row.MicrosecondsMean:F0} | {row.Rounds} |");
        return md.ToString();
    }

    private static Row Time(string operation, string implementation, int rounds, Action action)
    {
        for (var w = 0; w < Math.Max(20, rounds / 10); w++) action();
        var samples = new double[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            samples[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return new Row(operation, implementation, samples[rounds / 2], samples.Average(), rounds);
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    private static string OpenSslVersion()
    {
        // The version of the libcrypto .NET actually loaded (not the one on PATH), from the process's own mappings.
        try
        {
            var mapped = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
                .FirstOrDefault(p => p.Contains("libcrypto.so", StringComparison.Ordinal));
            return mapped is null ? "not loaded" : $"{mapped} ({SafeVersion()})";
        }
        catch (IOException)
        {
            return SafeVersion();
        }
    }

    private static string SafeVersion()
    {
        try
        {
            return OpenSslNative.Version();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "unknown";
        }
    }

    private static class OpenSslNative
    {
        [DllImport("libcrypto.so.3", EntryPoint = "OpenSSL_version")]
        private static extern IntPtr OpenSslVersion(int type);

        public static string Version() => Marshal.PtrToStringAnsi(OpenSslVersion(0)) ?? "unknown";
    }
}
