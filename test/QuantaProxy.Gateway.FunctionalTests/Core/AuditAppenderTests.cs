using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Storage;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

/// <summary>
/// The group-commit appender against a real store: no event is lost or stranded whatever the interleaving, chains stay
/// contiguous and verifiable, concurrent callers share transactions, and it fails closed when stopped or when the store fails.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class AuditAppenderTests(StoreKind store)
{
    private Database? _database;

    /// <summary>
    /// The store, or inconclusive where it could not be made: NUnit ran the test bodies after an inconclusive async set-up,
    /// on a null store, which failed <c>dotnet test</c> on a machine without PostgreSQL.
    /// </summary>
    private Database Store
    {
        get
        {
            if (_database is null && store == StoreKind.Postgres) _ = TestEnvironment.PostgresConnectionString;
            return _database ?? throw new InvalidOperationException("The store was not created.");
        }
    }
    private PostgresDatabase? _postgres;
    private string _dataDir = null!;

    [SetUp]
    public async Task CreateStoreAsync()
    {
        _dataDir = Directory.CreateTempSubdirectory("qp-appender-").FullName;
        if (store == StoreKind.Postgres)
        {
            _postgres = await PostgresDatabase.CreateAsync();
            _database = Database.ForPostgres(_postgres.ConnectionString, 32);
        }
        else
        {
            _database = Database.ForSqlite(Path.Combine(_dataDir, "audit.db"));
        }
        await new Migrator(_database, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    [TearDown]
    public async Task DropStoreAsync()
    {
        // SetUp may have stopped early (no PostgreSQL here: inconclusive), so each part is released only if it exists.
        if (_database is not null) await _database.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
        if (_dataDir is not null && Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
        _database = null;
        _postgres = null;
    }

    private AuditAppender NewAppender(int maxBatch = 1000, int capacity = 50_000) =>
        new(new AuditStore(Store), Options.Create(new AuditOptions { MaxBatchSize = maxBatch, QueueCapacity = capacity }), NullLogger<AuditAppender>.Instance);

    private static PendingAuditEvent Event(string tenant, int n) => new()
    {
        EventId = PrefixedId.New(PrefixedId.AuditEvent),
        TenantId = tenant,
        OccurredAt = "2026-12-02T00:00:00.000Z",
        Type = AuditEventTypes.ProxyCall,
        Outcome = "success",
        Detail = $"n={n}",
    };

    [TestCase(1000)]
    [TestCase(3)]
    public async Task Concurrent_callers_all_get_a_durable_contiguous_sequence_and_share_commits(int maxBatch)
    {
        using var appender = NewAppender(maxBatch);
        var tenants = new[] { PrefixedId.New(PrefixedId.Tenant), PrefixedId.New(PrefixedId.Tenant), PrefixedId.New(PrefixedId.Tenant) };
        const int producers = 48, perProducer = 25;
        // The callers must really be concurrent for commits to be shared: on two busy cores the thread pool starts with two
        // threads and SQLite commits block them, so without more threads and a common start the callers ran one by one
        // (CI saw 1,200 commits for 1,200 events while other test projects ran beside this one).
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, producers + 8), io);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            await start.Task;
            var mine = new List<(string Tenant, long Seq)>();
            for (var i = 0; i < perProducer; i++)
            {
                var tenant = tenants[(p + i) % tenants.Length];
                mine.Add((tenant, await appender.AppendAsync(Event(tenant, i), CancellationToken.None)));
            }
            return mine;
        })).ToList();
        start.SetResult();
        var results = await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(120));
        ThreadPool.SetMinThreads(workers, io);

        var all = results.SelectMany(r => r).ToList();
        Assert.That(all, Has.Count.EqualTo(producers * perProducer));
        foreach (var tenant in tenants)
        {
            var seqs = all.Where(r => r.Tenant == tenant).Select(r => r.Seq).Order().ToArray();
            Assert.That(seqs, Is.EqualTo(Enumerable.Range(1, seqs.Length).Select(i => (long)i).ToArray()), "each tenant's sequence is 1..n with no gap or repeat");
            var verification = await new AuditVerifier(new AuditStore(Store)).VerifyAsync(tenant, CancellationToken.None);
            Assert.That(verification.Valid, Is.True);
            Assert.That(verification.EventsChecked, Is.EqualTo(seqs.Length));
        }
        Assert.That(appender.EventsWritten, Is.EqualTo(producers * perProducer));
        Assert.That(appender.BatchesWritten, Is.LessThan(appender.EventsWritten), "concurrent callers rode in shared transactions");
    }

    [Test]
    public async Task A_lone_caller_is_written_at_once_one_transaction_per_event()
    {
        using var appender = NewAppender();
        var tenant = PrefixedId.New(PrefixedId.Tenant);
        for (var i = 1; i <= 5; i++)
            Assert.That(await appender.AppendAsync(Event(tenant, i), CancellationToken.None), Is.EqualTo(i));
        Assert.That(appender.BatchesWritten, Is.EqualTo(5));
    }

    [Test]
    public async Task After_stop_events_are_refused_and_nothing_queued_before_is_lost()
    {
        var appender = NewAppender();
        var tenant = PrefixedId.New(PrefixedId.Tenant);
        var inFlight = Enumerable.Range(0, 40).Select(i => Task.Run(() => appender.AppendAsync(Event(tenant, i), CancellationToken.None))).ToArray();
        await Task.Delay(5);
        await appender.StopAsync(CancellationToken.None);
        var outcomes = await Task.WhenAll(inFlight.Select(async t =>
        {
            try
            {
                return await t;
            }
            catch (AuditUnavailableException)
            {
                return -1L;
            }
        }));
        var stored = outcomes.Where(s => s > 0).Order().ToArray();
        Assert.That(stored, Is.EqualTo(Enumerable.Range(1, stored.Length).Select(i => (long)i).ToArray()), "every accepted event was stored");
        Assert.ThrowsAsync<AuditUnavailableException>(() => appender.AppendAsync(Event(tenant, 99), CancellationToken.None));
        var verification = await new AuditVerifier(new AuditStore(Store)).VerifyAsync(tenant, CancellationToken.None);
        Assert.That(verification.EventsChecked, Is.EqualTo(stored.Length), "refused events left no trace");
        appender.Dispose();
    }

    [Test]
    public async Task A_failing_store_fails_the_callers_closed_and_the_next_write_succeeds()
    {
        using var appender = NewAppender();
        var tenant = PrefixedId.New(PrefixedId.Tenant);
        var first = Event(tenant, 1);
        await appender.AppendAsync(first, CancellationToken.None);
        // A repeated event id violates the store's uniqueness: the whole transaction is refused.
        var failures = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            try
            {
                await appender.AppendAsync(first with { Detail = "again" }, CancellationToken.None);
                return false;
            }
            catch (AuditUnavailableException)
            {
                return true;
            }
        })));
        Assert.That(failures, Is.All.True, "an event the store refuses fails its caller");
        Assert.That(await appender.AppendAsync(Event(tenant, 3), CancellationToken.None), Is.EqualTo(2), "the chain continues after the failed batch");
    }
}
