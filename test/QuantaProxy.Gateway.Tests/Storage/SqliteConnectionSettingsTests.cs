using System.Data.Common;
using Microsoft.Data.Sqlite;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Tests.Storage;

/// <summary>
/// Every SQLite connection the store hands out has the durability, integrity and memory settings, whether it is new or
/// comes back from the pool (where they are set only once per native handle).
/// </summary>
public sealed class SqliteConnectionSettingsTests
{
    private string _dir = null!;
    private Database _database = null!;

    [SetUp]
    public void Create()
    {
        _dir = Directory.CreateTempSubdirectory("qp-sqlite-settings-").FullName;
        _database = Database.ForSqlite(Path.Combine(_dir, "settings.db"));
    }

    [TearDown]
    public async Task DropAsync()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static async Task<long> PragmaAsync(DbConnection connection, string name)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task AssertSettingsAsync(DbConnection connection)
    {
        Assert.That(await PragmaAsync(connection, "synchronous"), Is.EqualTo(2), "synchronous=FULL");
        Assert.That(await PragmaAsync(connection, "foreign_keys"), Is.EqualTo(1));
        Assert.That(await PragmaAsync(connection, "cache_size"), Is.EqualTo(-512));
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("wal"));
    }

    [Test]
    public async Task New_and_pooled_connections_all_have_the_settings()
    {
        SQLitePCL.sqlite3? first;
        await using (var connection = await _database.OpenAsync(CancellationToken.None))
        {
            first = ((SqliteConnection)connection).Handle;
            await AssertSettingsAsync(connection);
        }
        await using (var again = await _database.OpenAsync(CancellationToken.None))
        {
            Assert.That(((SqliteConnection)again).Handle, Is.SameAs(first), "the pool handed the same native connection back");
            await AssertSettingsAsync(again);
        }

        var many = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _database.OpenAsync(CancellationToken.None)));
        try
        {
            Assert.That(many.Select(c => ((SqliteConnection)c).Handle).Distinct().Count(), Is.EqualTo(8));
            foreach (var connection in many) await AssertSettingsAsync(connection);
        }
        finally
        {
            foreach (var connection in many) await connection.DisposeAsync();
        }
    }
}
