using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace QuantaProxy.Gateway.Storage;

/// <summary>
/// Applies the versioned SQL scripts embedded under <c>Storage/Migrations/&lt;provider&gt;/NNNN_name.sql</c>, in order, once each,
/// inside one transaction per script. Replicas starting together serialise on an advisory lock (PostgreSQL) or the
/// SQLite write lock, so a migration never runs twice.
/// </summary>
public sealed class Migrator(Database database, ILogger<Migrator> logger)
{
    private const long AdvisoryLockKey = 0x51_50_4D_49_47; // "QPMIG"

    public async Task MigrateAsync(CancellationToken ct)
    {
        var scripts = LoadScripts(database.Provider);
        await using var connection = await database.OpenAsync(ct);
        await using (var create = connection.Sql("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"))
            await create.ExecuteNonQueryAsync(ct);

        foreach (var (version, name, sql) in scripts)
        {
            await using var tx = await database.BeginWriteAsync(connection, ct);
            if (database.IsPostgres)
            {
                await using var lockCmd = connection.Sql("SELECT pg_advisory_xact_lock(@k)", tx).With("k", AdvisoryLockKey);
                await lockCmd.ExecuteNonQueryAsync(ct);
            }
            await using (var check = connection.Sql("SELECT COUNT(*) FROM schema_migrations WHERE version = @v", tx).With("v", version))
            {
                if (Convert.ToInt64(await check.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0)
                {
                    await tx.RollbackAsync(ct);
                    continue;
                }
            }
            await using (var apply = connection.Sql(sql, tx)) await apply.ExecuteNonQueryAsync(ct);
            await using (var record = connection.Sql("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)", tx)
                       .With("v", version).With("n", name).With("t", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)))
                await record.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            logger.LogInformation("Applied storage migration {Version} {Name} ({Provider})", version, name, database.Provider);
        }
    }

    private static List<(long Version, string Name, string Sql)> LoadScripts(StorageProvider provider)
    {
        var prefix = $"migrations/{(provider == StorageProvider.Postgres ? "postgres" : "sqlite")}/";
        var assembly = typeof(Migrator).Assembly;
        var result = new List<(long, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var file = resource[prefix.Length..];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = long.Parse(file[..underscore], NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            result.Add((version, Path.GetFileNameWithoutExtension(file[(underscore + 1)..]), reader.ReadToEnd()));
        }
        if (result.Count == 0) throw new InvalidOperationException($"No migrations embedded for {provider}.");
        result.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return result;
    }
}
