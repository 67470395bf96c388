using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Policies;
using QuantaProxy.Gateway.Storage;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.Gateway.Tests.Kms.Support;

namespace QuantaProxy.Gateway.FunctionalTests.Policies;

/// <summary>
/// <c>calls_today</c> counted in memory and flushed: exact on one replica (also under concurrency), visible to another
/// replica after a flush and one interval, kept when a flush fails, forgotten when idle, written at stop.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class DailyCallCounterTests(StoreKind kind)
{
    private const string Tenant = "ten_counter";
    private const string Principal = "ApiKey::key_counter";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private Database _database = null!;
    private Func<ValueTask>? _dispose;
    private ManualTimeProvider _time = null!;
    private PolicyStore _store = null!;

    [OneTimeSetUp]
    public void RequireStore()
    {
        if (kind == StoreKind.Postgres) _ = TestEnvironment.PostgresConnectionString;
    }

    [SetUp]
    public async Task OpenAsync()
    {
        if (kind == StoreKind.Postgres)
        {
            var postgres = await PostgresDatabase.CreateAsync();
            var pg = Database.ForPostgres(postgres.ConnectionString, 16);
            _database = pg;
            _dispose = async () => { await pg.DisposeAsync(); await postgres.DisposeAsync(); };
        }
        else
        {
            var dir = Directory.CreateTempSubdirectory("qp-calls-").FullName;
            var sqlite = Database.ForSqlite(Path.Combine(dir, "calls.db"));
            _database = sqlite;
            _dispose = async () => { await sqlite.DisposeAsync(); Directory.Delete(dir, true); };
        }
        await new Migrator(_database, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        _time = new ManualTimeProvider();
        _store = new PolicyStore(_database);
    }

    [TearDown]
    public async Task CloseAsync()
    {
        if (_dispose is not null) await _dispose();
    }

    private DailyCallCounter Replica(TimeSpan? interval = null) =>
        new(_store, Options.Create(new PolicyOptions { CallCountFlushInterval = interval ?? Interval }), _time, NullLogger<DailyCallCounter>.Instance);

    private string Today => PolicyFacts.Day(_time.GetUtcNow());

    private Task<long> StoredAsync() => _store.CallsAsync(Tenant, Principal, Today, CancellationToken.None);

    [Test]
    public async Task One_replica_counts_every_call_exactly_before_any_flush()
    {
        var counter = Replica();
        var seen = new List<long>();
        for (var i = 0; i < 5; i++) seen.Add(await counter.CountAsync(Tenant, Principal, Today, CancellationToken.None));
        Assert.That(seen, Is.EqualTo(new long[] { 0, 1, 2, 3, 4 }));
        Assert.That(await StoredAsync(), Is.Zero, "nothing written on the call's path");
        await counter.FlushAsync(CancellationToken.None);
        Assert.That(await StoredAsync(), Is.EqualTo(5));
    }

    [Test]
    public async Task Concurrent_calls_on_one_replica_each_get_their_own_number()
    {
        var counter = Replica();
        var seen = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => counter.CountAsync(Tenant, Principal, Today, CancellationToken.None).AsTask())));
        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, 64).Select(i => (long)i)));
        await counter.FlushAsync(CancellationToken.None);
        Assert.That(await StoredAsync(), Is.EqualTo(64));
    }

    [Test]
    public async Task Another_replica_sees_the_calls_after_a_flush_and_one_interval()
    {
        var a = Replica();
        var b = Replica();
        for (var i = 0; i < 3; i++) await a.CountAsync(Tenant, Principal, Today, CancellationToken.None);
        Assert.That(await b.CountAsync(Tenant, Principal, Today, CancellationToken.None), Is.Zero, "A has not flushed: B cannot know");
        await a.FlushAsync(CancellationToken.None);
        Assert.That(await b.CountAsync(Tenant, Principal, Today, CancellationToken.None), Is.EqualTo(1), "B's count is at most one interval old");
        _time.Advance(Interval);
        Assert.That(await b.CountAsync(Tenant, Principal, Today, CancellationToken.None), Is.EqualTo(5), "A's 3 and B's 2 before this one");
        await b.FlushAsync(CancellationToken.None);
        Assert.That(await a.CountAsync(Tenant, Principal, Today, CancellationToken.None), Is.EqualTo(6), "A's view was an interval old: it re-reads the row");
        Assert.That(await a.CountAsync(Tenant, Principal, Today, CancellationToken.None), Is.EqualTo(7));
    }

    [Test]
    public async Task A_failed_flush_keeps_the_calls_for_the_next_one()
    {
        var counter = Replica();
        for (var i = 0; i < 4; i++) await counter.CountAsync(Tenant, Principal, Today, CancellationToken.None);
        await ExecuteAsync("ALTER TABLE policy_call_counts RENAME TO policy_call_counts_away");
        await counter.FlushAsync(CancellationToken.None);
        Assert.That(await counter.CountAsync(Tenant, Principal, Today, CancellationToken.None), Is.EqualTo(4), "the count goes on in memory");
        await ExecuteAsync("ALTER TABLE policy_call_counts_away RENAME TO policy_call_counts");
        await counter.FlushAsync(CancellationToken.None);
        Assert.That(await StoredAsync(), Is.EqualTo(5));
    }

    [Test]
    public async Task An_idle_tally_is_forgotten_and_the_next_call_reads_the_row()
    {
        var counter = Replica();
        await counter.CountAsync(Tenant, Principal, Today, CancellationToken.None);
        await counter.FlushAsync(CancellationToken.None);
        Assert.That(counter.TallyCount, Is.EqualTo(1), "used within two intervals");
        _time.Advance(Interval * 2);
        await counter.FlushAsync(CancellationToken.None);
        Assert.That(counter.TallyCount, Is.Zero);
        Assert.That(await counter.CountAsync(Tenant, Principal, Today, CancellationToken.None), Is.EqualTo(1));
    }

    [Test]
    public async Task A_new_day_starts_from_zero()
    {
        var counter = Replica();
        await counter.CountAsync(Tenant, Principal, Today, CancellationToken.None);
        await counter.CountAsync(Tenant, Principal, Today, CancellationToken.None);
        _time.Advance(TimeSpan.FromDays(1));
        Assert.That(await counter.CountAsync(Tenant, Principal, Today, CancellationToken.None), Is.Zero);
        await counter.FlushAsync(CancellationToken.None);
        Assert.That(counter.TallyCount, Is.EqualTo(1), "yesterday's tally was written and forgotten");
    }

    [Test]
    public async Task The_flusher_writes_on_its_timer_and_when_the_gateway_stops()
    {
        var counter = Replica();
        var flusher = new DailyCallCounterFlusher(counter, Options.Create(new PolicyOptions { CallCountFlushInterval = Interval }), _time);
        await flusher.StartAsync(CancellationToken.None);
        await counter.CountAsync(Tenant, Principal, Today, CancellationToken.None);
        await UntilAsync(() => Task.FromResult(_time.ActiveTimers == 1));
        _time.Advance(Interval);
        Assert.That(await UntilAsync(async () => await StoredAsync() == 1), Is.True, "the timer flushed");
        await counter.CountAsync(Tenant, Principal, Today, CancellationToken.None);
        await flusher.StopAsync(CancellationToken.None);
        Assert.That(await StoredAsync(), Is.EqualTo(2), "the stop flushed");
        flusher.Dispose();
    }

    [Test]
    public async Task With_no_interval_every_call_is_written()
    {
        var counter = Replica(TimeSpan.Zero);
        Assert.That(await counter.CountAsync(Tenant, Principal, Today, CancellationToken.None), Is.Zero);
        Assert.That(await counter.CountAsync(Tenant, Principal, Today, CancellationToken.None), Is.EqualTo(1));
        Assert.That(await StoredAsync(), Is.EqualTo(2));
        Assert.That(counter.TallyCount, Is.Zero);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        await using var command = connection.Sql(sql);
        await command.ExecuteNonQueryAsync();
    }

    // ExecuteAsync and the timer's flush run on the thread pool: wait for what they do (bounded by attempts; no timing asserted).
    private static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            if (await condition()) return true;
            await Task.Delay(5);
        }
        return false;
    }
}
