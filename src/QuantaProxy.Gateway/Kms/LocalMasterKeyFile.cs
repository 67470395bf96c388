using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// Loads or creates the 32-byte master key of the local key wrapper. The file is created with mode 0600 from the
/// first byte (the mode is given to open(2), not applied afterwards) under a temporary name and then linked into
/// place without overwriting, so no reader ever sees a partial key and two processes starting together agree on
/// one key. An existing file is refused when it is a symbolic link, has the wrong size, or is readable or writable
/// by anyone but its owner.
/// </summary>
internal static class LocalMasterKeyFile
{
    public const int KeySize = 32;

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Returns the key in a pinned array (so the GC never leaves copies behind); the caller zeroes it.</summary>
    public static byte[] LoadOrCreate(string path, ILogger logger)
    {
        var fullPath = Path.GetFullPath(path);
        // A lost creation race (another process linked its key first) is followed by one load of the winner's key.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (File.Exists(fullPath) || new FileInfo(fullPath).LinkTarget is not null)
                return Load(fullPath);
            var created = TryCreate(fullPath);
            if (created is not null)
            {
                logger.LogWarning("Created a new local KMS master key file {MasterKeyPath} (mode 0600). Back it up: every key wrapped by the local provider is lost without it.", fullPath);
                return created;
            }
        }
        return Load(fullPath);
    }

    private static byte[] Load(string fullPath)
    {
        if (new FileInfo(fullPath).LinkTarget is not null)
            throw new InvalidOperationException($"The local KMS master key file {fullPath} is a symbolic link; refusing to use it. Replace it with a regular file of mode 0600.");

        using var handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        // Checked on the open handle, so the file that is read is the file whose mode was checked.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(handle);
            if ((mode & ~OwnerReadWrite) != 0 || (mode & UnixFileMode.UserRead) == 0)
                throw new InvalidOperationException($"The local KMS master key file {fullPath} has mode {FormatMode(mode)}; it must be 0600 (owner read/write only). Fix it with: chmod 600 '{fullPath}'.");
        }

        var length = RandomAccess.GetLength(handle);
        if (length != KeySize)
            throw new InvalidOperationException($"The local KMS master key file {fullPath} is {length} bytes; it must be exactly {KeySize} bytes. It is damaged or not a master key file: restore it from a backup.");

        var key = GC.AllocateArray<byte>(KeySize, pinned: true);
        try
        {
            var read = 0;
            while (read < KeySize)
            {
                var n = RandomAccess.Read(handle, key.AsSpan(read), read);
                if (n == 0)
                    throw new InvalidOperationException($"The local KMS master key file {fullPath} ended before {KeySize} bytes were read.");
                read += n;
            }
            if (key.AsSpan().IndexOfAnyExcept((byte)0) < 0)
                throw new InvalidOperationException($"The local KMS master key file {fullPath} contains only zero bytes: restore it from a backup.");
            return key;
        }
        catch
        {
            CryptographicOperations.ZeroMemory(key);
            throw;
        }
    }

    /// <summary>Returns the new key, or null when another process created the file first.</summary>
    private static byte[]? TryCreate(string fullPath)
    {
        var directory = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(directory);
            else
                Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }

        var key = GC.AllocateArray<byte>(KeySize, pinned: true);
        RandomNumberGenerator.Fill(key);
        var temporaryPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.WriteThrough,
            };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = OwnerReadWrite;
            using (var stream = new FileStream(temporaryPath, options))
            {
                stream.Write(key);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                // Without overwrite, .NET links the file into place on Unix: it fails if the target exists.
                File.Move(temporaryPath, fullPath, overwrite: false);
            }
            catch (IOException) when (File.Exists(fullPath))
            {
                CryptographicOperations.ZeroMemory(key);
                return null;
            }
            return key;
        }
        catch
        {
            CryptographicOperations.ZeroMemory(key);
            throw;
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }

    private static string FormatMode(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8).PadLeft(3, '0');
}
