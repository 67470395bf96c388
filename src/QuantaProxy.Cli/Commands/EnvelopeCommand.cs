using System.CommandLine;
using QuantaProxy.Crypto.Envelopes;

namespace QuantaProxy.Cli.Commands;

/// <summary>
/// <c>quantaproxy envelope open --keys BUNDLE [--input FILE]</c> (FORMATS.md §4): the plaintext bytes on standard output
/// and exit 0; on any failure one line naming the reason on standard error, nothing on standard output, exit 1.
/// </summary>
public static class EnvelopeCommand
{
    public const int MaxEnvelopeBytes = 32 * 1024 * 1024;

    public static Command Create()
    {
        var keys = new Option<FileInfo>("--keys") { Description = "Tenant key bundle (qp-tenant-keys-v1)", Required = true };
        var input = new Option<FileInfo?>("--input") { Description = "Envelope file; standard input when absent" };
        var open = new Command("open", "Verify and open an envelope. Example: quantaproxy envelope open --keys tenant-keys.json --input answer.json > plaintext.json") { keys, input };
        open.SetAction(parse => Open(parse.GetRequiredValue(keys).FullName, parse.GetValue(input)?.FullName));
        return new Command("envelope", "HybridCryptoEnvelope tools") { open };
    }

    public static int Open(string bundlePath, string? inputPath)
    {
        byte[] plaintext;
        try
        {
            using var bundle = TenantKeyBundle.Parse(CliFiles.ReadBounded(bundlePath, 1024 * 1024));
            var envelope = CliFiles.ReadBounded(inputPath, MaxEnvelopeBytes);
            plaintext = new EnvelopeOpener(bundle).Open(envelope).Plaintext;
        }
        catch (EnvelopeRejectedException e)
        {
            Console.Error.WriteLine($"envelope rejected: {e.Reason}: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Console.Error.WriteLine($"cannot open envelope: {e.Message}");
            return 1;
        }
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(plaintext);
        stdout.Flush();
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
        return 0;
    }
}
