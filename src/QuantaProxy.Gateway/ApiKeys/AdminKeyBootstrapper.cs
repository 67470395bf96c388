using Microsoft.Extensions.Options;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Http;
using QuantaProxy.Gateway.Settings;

namespace QuantaProxy.Gateway.ApiKeys;

/// <summary>
/// On first start with an empty store, installs an admin API key: the configured one, or a new one written to
/// <c>&lt;DataDir&gt;/admin-key</c> created with mode 0600. The key itself is never logged.
/// </summary>
public sealed class AdminKeyBootstrapper(ApiKeyStore store, IOptions<GatewayOptions> options, TimeProvider time, ILogger<AdminKeyBootstrapper> logger)
{
    public const string FileName = "admin-key";

    public async Task EnsureAdminKeyAsync(CancellationToken ct)
    {
        if (await store.AnyAdminAsync(ct)) return;
        var configured = options.Value.Bootstrap.AdminKey;
        var key = configured ?? ApiKeyFormat.Generate();
        var now = time.GetUtcNow();
        var id = PrefixedId.New(PrefixedId.ApiKey, now);
        if (configured is null)
        {
            var path = Path.Combine(options.Value.DataDir, FileName);
            // A file left from an older, deleted store holds a key that no longer exists: replace it.
            if (File.Exists(path)) File.Delete(path);
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var stream = new FileStream(path, fileOptions))
            await using (var writer = new StreamWriter(stream))
                await writer.WriteAsync(key + "\n");
            logger.LogWarning("Created the bootstrap admin API key {ApiKeyId} and wrote it to {Path} (mode 0600). Move it to a secret store.", id, Path.GetFullPath(path));
        }
        else
        {
            logger.LogInformation("Installed the bootstrap admin API key {ApiKeyId} from QuantaProxy:Bootstrap:AdminKey.", id);
        }
        await store.InsertAsync(new ApiKeyRecord(id, null, "bootstrap admin", ApiKeyFormat.Hash(key), [ApiScopes.Admin], Timestamps.Format(now), null), ct);
    }
}
