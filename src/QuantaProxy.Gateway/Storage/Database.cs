using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace QuantaProxy.Gateway.Storage;

/// <summary>
/// The one storage abstraction: an ADO.NET connection source for SQLite or PostgreSQL. Feature stores write portable SQL
/// (named <c>@parameters</c>, <c>ON CONFLICT</c>, TEXT timestamps, integer booleans) and ask this class only for the few
/// things that differ: opening, write transactions and row locks.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly string? _sqliteConnectionString;

    private Database(StorageProvider provider, NpgsqlDataSource? postgres, string? sqliteConnectionString)
    {
        Provider = provider;
        _postgres = postgres;
        _sqliteConnectionString = sqliteConnectionString;
    }

    public StorageProvider Provider { get; }

    public bool IsPostgres => Provider == StorageProvider.Postgres;

    /// <summary><c>FOR UPDATE</c> on PostgreSQL; SQLite serialises writers with <c>BEGIN IMMEDIATE</c> instead.</summary>
    public string ForUpdate => IsPostgres ? " FOR UPDATE" : string.Empty;

    public static Database ForSqlite(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        };
        var db = new Database(StorageProvider.Sqlite, null, builder.ToString());
        using var connection = new SqliteConnection(db._sqliteConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // WAL is persistent in the file; synchronous=FULL is per connection and is set on every open below.
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
        return db;
    }

    public static Database ForPostgres(string connectionString, int maxPoolSize = 50)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = maxPoolSize };
        if (builder.Timeout == 15) builder.Timeout = 10;
        return new Database(StorageProvider.Postgres, NpgsqlDataSource.Create(builder.ConnectionString), null);
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(ct);
        // Pooled connections keep their native handle, and with it these settings: set them once per handle, not per open.
        var handle = connection.Handle;
        if (handle is not null && SqliteHandlesSetUp.TryGetValue(handle, out _)) return connection;
        await using var command = connection.CreateCommand();
        // cache_size: each pooled connection keeps its own page cache (SQLite's default is 2 MiB), and the pool grows to
        // the peak number of concurrent requests, so the default let native memory creep up as the database grew (the load
        // benchmark's soak: +18 MB outside the GC in 5 minutes at 64 clients). 512 KiB holds the hot pages of every table
        // the request path reads; the OS page cache holds the rest once for all connections.
        command.CommandText = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-512;";
        await command.ExecuteNonQueryAsync(ct);
        if (handle is not null) SqliteHandlesSetUp.AddOrUpdate(handle, SetUpMarker);
        return connection;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> SqliteHandlesSetUp = new();
    private static readonly object SetUpMarker = new();

    /// <summary>
    /// Begins a transaction that will write. On SQLite it is <c>BEGIN IMMEDIATE</c> (takes the write lock now, so two writers
    /// never deadlock upgrading); on PostgreSQL read committed plus explicit row locks.
    /// </summary>
    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct)
    {
        if (connection is SqliteConnection sqlite) return sqlite.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        return await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        else SqliteConnection.ClearAllPools();
    }
}
