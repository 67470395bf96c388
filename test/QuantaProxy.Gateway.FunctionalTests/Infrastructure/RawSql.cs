using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure;

/// <summary>Direct access to the gateway's database, as an attacker with write access to it would have.</summary>
public static class RawSql
{
    public static async Task<DbConnection> OpenAsync(GatewayHost host)
    {
        DbConnection connection = host.Postgres is { } pg
            ? new NpgsqlConnection(pg.ConnectionString)
            : new SqliteConnection($"Data Source={Path.Combine(host.DataDir, "quantaproxy.db")};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<int> ExecuteAsync(GatewayHost host, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(host);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return await command.ExecuteNonQueryAsync();
    }
}
