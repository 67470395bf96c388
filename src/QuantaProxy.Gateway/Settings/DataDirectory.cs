namespace QuantaProxy.Gateway.Settings;

/// <summary>The data folder holds the SQLite store and key files: created readable by the gateway's user only.</summary>
public static class DataDirectory
{
    public static void Create(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
