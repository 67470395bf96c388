using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using QuantaProxy.Crypto.Audit;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Storage;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.LoadBenchmark;

/// <summary>
/// Audit append throughput through the real group-commit appender and store (no HTTP): N concurrent producers each
/// append and wait for durability, as request handlers do. Then chain verification speed over what was written.
/// </summary>
public static class AuditAppendBenchmark
{
    public sealed record Result(string Store, int Appenders, int Producers, long Events, double Seconds, double EventsPerSecond, double MeanBatch, double VerifyEventsPerSecond, bool ChainValid);

    /// <param name="appenders">Independent connection pools + appenders on the same database: what several gateway processes are to it.</param>
    public static async Task<Result> RunAsync(string store, string? postgres, int producers, TimeSpan duration, int tenants, int appenders = 1)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "qp-bench-audit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        string? dbName = null;
        Database database;
        if (store == "postgres")
        {
            dbName = "qp_bench_" + Guid.NewGuid().ToString("N")[..12];
            await using (var admin = new NpgsqlConnection(postgres))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {dbName}", admin);
                await create.ExecuteNonQueryAsync();
            }
            database = Database.ForPostgres(new NpgsqlConnectionStringBuilder(postgres) { Database = dbName }.ConnectionString);
        }
        else
        {
            database = Database.ForSqlite(Path.Combine(dataDir, "bench.db"));
        }
        try
        {
            await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
            var auditStore = new AuditStore(database);
            var extraDatabases = new List<Database>();
            var appenderList = new List<AuditAppender>();
            for (var a = 0; a < appenders; a++)
            {
                var db = a == 0 ? database : store == "postgres" ? Database.ForPostgres(new NpgsqlConnectionStringBuilder(postgres) { Database = dbName }.ConnectionString) : database;
                if (a > 0 && db != database) extraDatabases.Add(db);
                var instance = new AuditAppender(new AuditStore(db), Options.Create(new AuditOptions()), NullLogger<AuditAppender>.Instance);
                await instance.StartAsync(CancellationToken.None);
                appenderList.Add(instance);
            }
            var appender = new SpreadAppender(appenderList);
            var tenantIds = Enumerable.Range(0, tenants).Select(_ => PrefixedId.New(PrefixedId.Tenant)).ToArray();

            // Warm-up, then the measured window.
            await ProduceAsync(appender, tenantIds, producers, TimeSpan.FromSeconds(1));
            var batchesBefore = appender.BatchesWritten;
            var eventsBefore = appender.EventsWritten;
            var watch = Stopwatch.StartNew();
            var events = await ProduceAsync(appender, tenantIds, producers, duration);
            watch.Stop();
            var batches = appender.BatchesWritten - batchesBefore;
            foreach (var instance in appenderList) await instance.StopAsync(CancellationToken.None);
            foreach (var db in extraDatabases) await db.DisposeAsync();

            // Verification speed: stream every tenant's chain through the verifier.
            var verifyWatch = Stopwatch.StartNew();
            long verified = 0;
            var valid = true;
            foreach (var tenant in tenantIds)
            {
                
                var result = await new AuditVerifier(auditStore).VerifyAsync(tenant, CancellationToken.None);
                verified += result.EventsChecked;
                valid &= result.Valid;
            }
            verifyWatch.Stop();
            _ = eventsBefore;
            return new Result(store, appenders, producers, events, watch.Elapsed.TotalSeconds, events / watch.Elapsed.TotalSeconds,
                batches == 0 ? 0 : (double)events / batches, verified / verifyWatch.Elapsed.TotalSeconds, valid);
        }
        finally
        {
            await database.DisposeAsync();
            if (dbName is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = new NpgsqlConnection(postgres);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {dbName} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>Producers are spread over the appenders, as a load balancer spreads requests over replicas.</summary>
    private sealed class SpreadAppender(List<AuditAppender> appenders)
    {
        public long BatchesWritten => appenders.Sum(a => a.BatchesWritten);
        public long EventsWritten => appenders.Sum(a => a.EventsWritten);
        public Task<long> AppendAsync(PendingAuditEvent e, int producer, CancellationToken ct) => appenders[producer % appenders.Count].AppendAsync(e, ct);
    }

    private static async Task<long> ProduceAsync(SpreadAppender appender, string[] tenants, int producers, TimeSpan duration)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long total = 0;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            long count = 0;
            var digest = new string('a', 64);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var tenant = tenants[(p + count) % tenants.Length];
                await appender.AppendAsync(new PendingAuditEvent
                {
                    EventId = PrefixedId.New(PrefixedId.AuditEvent),
                    TenantId = tenant,
                    OccurredAt = Timestamps.Format(DateTimeOffset.UtcNow),
                    Type = AuditEventTypes.ProxyCall,
                    Actor = "key_01JBENCHBENCHBENCHBENCHBEN",
                    IntegrationId = "int_01JBENCHBENCHBENCHBENCHBEN",
                    Operation = "list_users",
                    Outcome = "success",
                    UpstreamStatus = "200",
                    UpstreamRequestId = "bench",
                    RequestDigest = digest,
                    ResponseDigest = digest,
                }, p, CancellationToken.None);
                count++;
            }
            Interlocked.Add(ref total, count);
        })));
        return total;
    }
}
