namespace QuantaProxy.Gateway.Storage;

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Configuration section <c>QuantaProxy:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "QuantaProxy:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>PostgreSQL connection string (Npgsql format). Required when <see cref="Provider"/> is Postgres.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SQLite file; defaults to <c>&lt;DataDir&gt;/quantaproxy.db</c>.</summary>
    public string? SqlitePath { get; set; }

    /// <summary>Maximum pooled PostgreSQL connections per process.</summary>
    public int MaxPoolSize { get; set; } = 50;
}
