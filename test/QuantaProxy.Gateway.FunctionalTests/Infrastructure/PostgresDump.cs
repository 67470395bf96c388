using System.Text;
using Npgsql;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure;

public static class PostgresDump
{
    /// <summary>Every row of every table in the public schema, as text (bytea as hex and as escaped text).</summary>
    public static async Task<string> AllRowsAsTextAsync(string connectionString)
    {
        var text = new StringBuilder();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"SELECT * FROM \"{table}\"", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    text.Append(value is byte[] bytes ? Encoding.Latin1.GetString(bytes) : value.ToString()).Append('|');
                }
                text.Append('\n');
            }
        }
        return text.ToString();
    }
}
