using System.Security.Cryptography;

namespace QuantaProxy.Cli.Commands;

/// <summary>File helpers for secrets: created with mode 0600 from the first byte, never widened and narrowed later.</summary>
internal static class CliFiles
{
    public static void WriteSecret(string path, ReadOnlySpan<byte> bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(bytes);
    }

    /// <summary>Reads a file or standard input up to <paramref name="limit"/> bytes; more is an error, not a truncation.</summary>
    public static byte[] ReadBounded(string? path, int limit)
    {
        using var stream = path is null ? Console.OpenStandardInput() : File.OpenRead(path);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > limit) throw new InvalidDataException($"input is larger than {limit} bytes");
            buffer.Write(chunk, 0, read);
        }
        CryptographicOperations.ZeroMemory(chunk);
        return buffer.ToArray();
    }
}
