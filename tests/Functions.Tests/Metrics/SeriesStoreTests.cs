using Vigil.Domain.Labels;
using Vigil.Domain.Metrics.Aggregates;
using Vigil.Domain.Metrics.Query;
using Vigil.Domain.Metrics.Samples;
using Vigil.Functions.Metrics.Store;
using Vigil.Functions.Storage;
using Vigil.Storage.Tables;
using Vigil.Testing;

namespace Vigil.Functions.Tests.Metrics;

/// <summary>The series store on Azurite: concurrency, idempotency, late samples, queries, retention, cost.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SeriesStoreTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-18T11:06:43Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly AzuriteFixture _azurite;

    public SeriesStoreTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task Merge_ParallelWritersIntoTheSameBuckets_NoIncrementLost()
    {
        var time = new ManualTime(Now);
        var instances = Enumerable.Range(0, 4).Select(_ => new StoreInstance(_azurite, time)).ToList();
        var labels = LabelSet.From(("test", Messages.Unique("parallel")));
        const int messagesPerWriter = 25;

        // Four evaluator instances, each merging 25 messages of +1 into the same two buckets (same rollup) at once.
        await Task.WhenAll(instances.Select((instance, w) => Task.Run(async () =>
        {
            for (var i = 0; i < messagesPerWriter; i++)
            {
                var time2 = Now.ToUnixTimeMilliseconds() - ((i % 2) * 10_000);
                await instance.ApplyAsync(Messages.Delta("jobs_done", labels, 1, time2, $"w{w}-m{i}"));
            }
        })));

        var query = instances[0].Query;
        var selector = new SeriesSelector("jobs_done", [LabelMatcher.Create("test", MatchOperator.Equal, labels.Get("test")!)]);
        var increase = Assert.Single(await query.QueryAsync(selector, Aggregation.Parse("increase"), TimeSpan.FromMinutes(1), [], Now, CancellationToken.None));
        var rollupIncrease = Assert.Single(await query.QueryAsync(selector, Aggregation.Parse("increase"), TimeSpan.FromHours(2), [], Now, CancellationToken.None));

        Assert.Equal(4 * messagesPerWriter, increase.Value);
        Assert.Equal(4 * messagesPerWriter, rollupIncrease.Value);
        Assert.True(instances.Sum(i => i.Statistics.Conflicts) > 0, "the writers should have raced (ETag conflicts) for this test to prove anything");
    }

    [Fact]
    public async Task Merge_RedeliveredMessage_CountedOnce()
    {
        var time = new ManualTime(Now);
        var first = new StoreInstance(_azurite, time);
        var second = new StoreInstance(_azurite, time);
        var labels = LabelSet.From(("test", Messages.Unique("redelivery")));
        var lines = string.Join('\n', Enumerable.Range(0, 60).Select(i => $"latency,test={labels.Get("test")} seconds={i} {Now.ToUnixTimeMilliseconds() - 3_540_000 + (i * 60_000)}"));
        var message = Assert.Single(Messages.FromInflux(lines, Now, "req-1"));

        await first.ApplyAsync(message);
        await second.ApplyAsync(message); // redelivered to another instance
        await Task.WhenAll(first.ApplyAsync(message), second.ApplyAsync(message)); // and twice more at once

        var selector = new SeriesSelector("latency_seconds", [LabelMatcher.Create("test", MatchOperator.Equal, labels.Get("test")!)]);
        var count = Assert.Single(await first.Query.QueryAsync(selector, Aggregation.Parse("count"), TimeSpan.FromHours(1), [], Now, CancellationToken.None));
        var rollupCount = Assert.Single(await first.Query.QueryAsync(selector, Aggregation.Parse("count"), TimeSpan.FromHours(24), [], Now, CancellationToken.None));

        Assert.Equal(60, count.SampleCount);
        Assert.Equal(60, rollupCount.SampleCount);
        Assert.True(first.Statistics.SkippedDuplicates + second.Statistics.SkippedDuplicates >= 60 * 3);
    }

    [Fact]
    public async Task Merge_PartOfAMessageCommittedBeforeAFailure_RedeliveryCompletesWithoutDoubleCount()
    {
        var time = new ManualTime(Now);
        var instance = new StoreInstance(_azurite, time);
        var labels = LabelSet.From(("test", Messages.Unique("partial")));

        // A message spanning two rollup windows; the first window's transaction is applied alone (as if the process died).
        var lines = $"m,test={labels.Get("test")} v=1 {Now.ToUnixTimeMilliseconds() - 600_000}\nm,test={labels.Get("test")} v=2 {Now.ToUnixTimeMilliseconds() - 5_000}";
        var message = Assert.Single(Messages.FromInflux(lines, Now, "req-partial"));
        var contributions = Vigil.Functions.FunctionApp.EvaluateMetrics.EvaluateMetricsFunction.Read(message);
        var early = contributions[0] with { Buckets = [contributions[0].Buckets[0]] };
        await instance.Store.MergeAsync([early], CancellationToken.None);

        await instance.ApplyAsync(message); // redelivery: the whole message

        var selector = new SeriesSelector("m_v", [LabelMatcher.Create("test", MatchOperator.Equal, labels.Get("test")!)]);
        var sum = Assert.Single(await instance.Query.QueryAsync(selector, Aggregation.Parse("sum"), TimeSpan.FromHours(1), [], Now, CancellationToken.None));
        var rollupSum = Assert.Single(await instance.Query.QueryAsync(selector, Aggregation.Parse("sum"), TimeSpan.FromHours(3), [], Now, CancellationToken.None));
        Assert.Equal(3, sum.Value);
        Assert.Equal(3, rollupSum.Value);
    }

    [Fact]
    public async Task Merge_LateSampleWithinTheSkew_LandsInItsOwnBucket()
    {
        var time = new ManualTime(Now);
        var instance = new StoreInstance(_azurite, time);
        var tag = Messages.Unique("late");
        await instance.ApplyAsync(Assert.Single(Messages.FromInflux($"temp,test={tag} c=20 {Now.ToUnixTimeMilliseconds() - 1_000}", Now, "now")));
        await instance.ApplyAsync(Assert.Single(Messages.FromInflux($"temp,test={tag} c=90 {Now.ToUnixTimeMilliseconds() - 50 * 60_000}", Now, "late")));

        var selector = new SeriesSelector("temp_c", [LabelMatcher.Create("test", MatchOperator.Equal, tag)]);
        var lastMinute = Assert.Single(await instance.Query.QueryAsync(selector, Aggregation.Parse("max"), TimeSpan.FromMinutes(1), [], Now, CancellationToken.None));
        var lastHour = Assert.Single(await instance.Query.QueryAsync(selector, Aggregation.Parse("max"), TimeSpan.FromHours(1), [], Now, CancellationToken.None));
        var series = Assert.Single(await instance.Query.ListSeriesAsync(selector, CancellationToken.None));

        Assert.Equal(20, lastMinute.Value);
        Assert.Equal(90, lastHour.Value);
        Assert.Equal(20, series.LastValue); // the late sample does not become the latest value
    }

    [Fact]
    public async Task Merge_SteadyState_OneTransactionPerSeriesPerBucketAndNoRead()
    {
        var time = new ManualTime(Now);
        var instance = new StoreInstance(_azurite, time);
        var tag = Messages.Unique("cost");

        // First message indexes the series; then 20 pushes, one per 10 s bucket, each with 50 samples of each of 5 series.
        await instance.ApplyAsync(Messages.FromInflux(string.Join('\n', Enumerable.Range(0, 5).Select(s => $"cpu,test={tag},core={s} used=1 {Now.ToUnixTimeMilliseconds() - 300_000}")), Now, "warm")[0]);
        var before = (instance.Statistics.Reads, instance.Statistics.Transactions, instance.Statistics.IndexWrites);
        for (var push = 0; push < 20; push++)
        {
            var bucketStart = BucketTime.RawStart(Now.ToUnixTimeMilliseconds() - 299_000) + (push * 10_000);
            var lines = string.Join('\n', Enumerable.Range(0, 250).Select(i => $"cpu,test={tag},core={i % 5} used={i} {bucketStart + i}"));
            await instance.ApplyAsync(Assert.Single(Messages.FromInflux(lines, Now, $"push-{push}")));
        }

        var reads = instance.Statistics.Reads - before.Reads;
        var transactions = instance.Statistics.Transactions - before.Transactions;
        Assert.Equal(100, transactions); // 5 series x 20 buckets
        Assert.Equal(0, reads); // the rows this instance wrote stand in for a read while no other instance writes the series
        Assert.Equal(0, instance.Statistics.IndexWrites - before.IndexWrites);
    }

    [Fact]
    public async Task Merge_BusySeriesManyConcurrentMessagesOverSeveralBuckets_AtMostTwoTransactionsPerBucketNothingLostOrDoubled()
    {
        // 4 buckets of 10 s; every 250 ms of (manual) clock, 6 concurrent messages of +1 each for one series: 960 messages,
        // 240 per bucket. A flush point is every 5 s (2 writes per bucket).
        var bucket0 = BucketTime.RawStart(Now.ToUnixTimeMilliseconds());
        var time = new SteppedTime(DateTimeOffset.FromUnixTimeMilliseconds(bucket0 + 300));
        var instance = new StoreInstance(_azurite, time, writesPerBucket: 2);
        var tag = Messages.Unique("busy");
        var busy = LabelSet.From(("test", tag));
        var quiet = LabelSet.From(("test", tag + "q"));
        var step = TimeSpan.FromMilliseconds(250);
        const int perStep = 6;
        var tasks = new List<Task>();
        var transactionsPerBucket = new Dictionary<long, long>();
        var distinct = 0;
        var heldSeen = false;
        Task? quietTask = null;

        for (var s = 0; s < 160; s++)
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var before = instance.Statistics.Transactions;
            var sent = new List<Task>();
            for (var m = 0; m < perStep; m++)
            {
                sent.Add(instance.ApplyAsync(Messages.Delta("busy_total", busy, 1, now, $"s{s}-m{m}")));
                distinct++;
            }

            if (s == 70)
            {
                // Redeliveries: one of a message committed in the first bucket, one of a message still held (its lock expired).
                Assert.True(tasks[10].IsCompletedSuccessfully);
                sent.Add(instance.ApplyAsync(Messages.Delta("busy_total", busy, 1, bucket0 + 550, "s1-m4")));
                sent.Add(instance.ApplyAsync(Messages.Delta("busy_total", busy, 1, now, $"s{s}-m0")));
            }

            await instance.Merger.WhenWritesDoneAsync();
            if (s > 5 && sent.Any(t => !t.IsCompleted))
            {
                // A busy series: the messages are held (not completed) until the flush that commits their data.
                heldSeen = true;
                Assert.True(instance.Merger.SeriesWaiting >= 1);
            }

            if (s == 90)
            {
                // A quiet series is written at once, busy neighbours or not (detection latency).
                var quietBefore = instance.Statistics.Transactions;
                quietTask = instance.ApplyAsync(Messages.Delta("busy_total", quiet, 5, now, "quiet-1"));
                await instance.Merger.WhenWritesDoneAsync();
                await quietTask.WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(1, instance.Statistics.Transactions - quietBefore);
                before++; // not the busy series' write
            }

            Count(now, instance.Statistics.Transactions - before);
            tasks.AddRange(sent);
            before = instance.Statistics.Transactions;
            time.Advance(step); // flush points that fall due start their writes now
            await instance.Merger.WhenWritesDoneAsync();
            Count(time.GetUtcNow().ToUnixTimeMilliseconds(), instance.Statistics.Transactions - before);
        }

        // Let the last flush point pass; every message then completes (none failed).
        for (var i = 0; i < 40 && tasks.Any(t => !t.IsCompleted); i++)
        {
            var before = instance.Statistics.Transactions;
            time.Advance(step);
            await instance.Merger.WhenWritesDoneAsync();
            Count(time.GetUtcNow().ToUnixTimeMilliseconds(), instance.Statistics.Transactions - before);
        }

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(heldSeen);
        Assert.All(transactionsPerBucket, b => Assert.InRange(b.Value, 1, 2));
        Assert.True(transactionsPerBucket.Count >= 4);
        Assert.InRange(transactionsPerBucket.Values.Sum(), 4, 10);

        var selector = new SeriesSelector("busy_total", [LabelMatcher.Create("test", MatchOperator.Equal, tag)]);
        var end = time.GetUtcNow();
        var sum = Assert.Single(await instance.Query.QueryAsync(selector, Aggregation.Parse("sum"), TimeSpan.FromMinutes(2), [], end, CancellationToken.None));
        var count = Assert.Single(await instance.Query.QueryAsync(selector, Aggregation.Parse("count"), TimeSpan.FromMinutes(2), [], end, CancellationToken.None));
        Assert.Equal(960, distinct);
        Assert.Equal(distinct, sum.Value); // nothing lost, the two redeliveries not counted again
        Assert.Equal(distinct, count.Value);
        Assert.Equal(2, instance.Statistics.SkippedDuplicates);

        void Count(long at, long transactions)
        {
            if (transactions > 0)
            {
                var bucket = BucketTime.RawStart(at);
                transactionsPerBucket[bucket] = transactionsPerBucket.GetValueOrDefault(bucket) + transactions;
            }
        }
    }

    [Fact]
    public async Task Merge_MessagesHeldForOneFlush_OnlyTheLatestReportsTheSeriesToTheRules()
    {
        // A busy series: both writes of the bucket spent, so the next messages wait for the next flush point together.
        var bucket0 = BucketTime.RawStart(Now.ToUnixTimeMilliseconds());
        var time = new SteppedTime(DateTimeOffset.FromUnixTimeMilliseconds(bucket0 + 300));
        var instance = new StoreInstance(_azurite, time, writesPerBucket: 2);
        var labels = LabelSet.From(("test", Messages.Unique("owner")));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Single(await instance.ApplyAsync(Messages.Delta("owner_total", labels, 1, now, "first")));
        Assert.Single(await instance.ApplyAsync(Messages.Delta("owner_total", labels, 1, now, "second")));

        var held = Enumerable.Range(0, 5).Select(i => instance.ApplyAsync(Messages.Delta("owner_total", labels, 1, now, $"held-{i}"))).ToList();
        await instance.Merger.WhenWritesDoneAsync();
        Assert.All(held, t => Assert.False(t.IsCompleted));
        var before = instance.Statistics.Transactions;
        time.Advance(TimeSpan.FromSeconds(10)); // the next bucket's start: one write for the five
        await instance.Merger.WhenWritesDoneAsync();
        var reported = await Task.WhenAll(held).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, instance.Statistics.Transactions - before);
        Assert.Equal([0, 0, 0, 0, 1], reported.Select(r => r.Count)); // the latest to arrive evaluates for the write
        Assert.Equal(labels, Assert.Single(reported[^1]).Labels);
    }

    [Fact]
    public async Task Merge_AnotherInstanceWroteSinceOurLastWrite_ConflictThenReadNoLoss()
    {
        var time = new ManualTime(Now);
        var a = new StoreInstance(_azurite, time);
        var b = new StoreInstance(_azurite, time);
        var labels = LabelSet.From(("test", Messages.Unique("stale")));
        var t = Now.ToUnixTimeMilliseconds();

        await a.ApplyAsync(Messages.Delta("stale_total", labels, 1, t, "m1")); // a remembers its rows
        await b.ApplyAsync(Messages.Delta("stale_total", labels, 10, t, "m2")); // b changes them
        await a.ApplyAsync(Messages.Delta("stale_total", labels, 100, t, "m3")); // a's memory is stale: 412, read, retry
        await a.ApplyAsync(Messages.Delta("stale_total", labels, 1000, t + 20_000, "m4")); // a new bucket and a stale rollup

        var selector = new SeriesSelector("stale_total", [LabelMatcher.Create("test", MatchOperator.Equal, labels.Get("test")!)]);
        var raw = Assert.Single(await a.Query.QueryAsync(selector, Aggregation.Parse("increase"), TimeSpan.FromMinutes(1), [], Now.AddSeconds(30), CancellationToken.None));
        var rollup = Assert.Single(await a.Query.QueryAsync(selector, Aggregation.Parse("increase"), TimeSpan.FromHours(2), [], Now.AddSeconds(30), CancellationToken.None));
        Assert.Equal(1111, raw.Value);
        Assert.Equal(1111, rollup.Value);
        Assert.True(a.Statistics.Conflicts >= 1);
    }

    [Fact]
    public async Task Query_GroupByAndMatchers_OverSeveralSeries()
    {
        var time = new ManualTime(Now);
        var instance = new StoreInstance(_azurite, time);
        var tag = Messages.Unique("group");
        var t = Now.ToUnixTimeMilliseconds();
        var lines = string.Join('\n',
            $"http,test={tag},route=/a,status=200 seconds=0.1 {t - 20_000}",
            $"http,test={tag},route=/a,status=500 seconds=0.3 {t - 20_000}",
            $"http,test={tag},route=/b,status=200 seconds=2 {t - 20_000}",
            $"http,test={tag},route=/b,status=503 seconds=4 {t - 10_000}");
        await instance.ApplyAsync(Assert.Single(Messages.FromInflux(lines, Now, "g")));

        var errors = new SeriesSelector("http_seconds", [LabelMatcher.Create("test", MatchOperator.Equal, tag), LabelMatcher.Parse("status=~\"5..\"")]);
        var byRoute = await instance.Query.QueryAsync(errors, Aggregation.Parse("max"), TimeSpan.FromMinutes(1), ["route"], Now, CancellationToken.None);

        Assert.Equal([("/a", 0.3), ("/b", 4.0)], byRoute.Select(g => (g.Group.Get("route")!, g.Value!.Value)));
        Assert.Equal(2, (await instance.Query.ListSeriesAsync(errors, CancellationToken.None)).Count);
        Assert.Empty(await instance.Query.QueryAsync(new SeriesSelector("no_such_metric", []), Aggregation.Parse("max"), TimeSpan.FromMinutes(1), [], Now, CancellationToken.None));
    }

    [Fact]
    public async Task Retention_OldRowsAndSilentSeries_Deleted()
    {
        var time = new ManualTime(Now);
        var instance = new StoreInstance(_azurite, time);
        var tag = Messages.Unique("retention");
        await instance.ApplyAsync(Assert.Single(Messages.FromInflux($"disk,test={tag} free=1 {Now.ToUnixTimeMilliseconds() - 30 * 60_000}", Now, "r1")));
        var selector = new SeriesSelector("disk_free", [LabelMatcher.Create("test", MatchOperator.Equal, tag)]);
        var fingerprint = Assert.Single(await instance.Query.ListSeriesAsync(selector, CancellationToken.None)).Fingerprint;
        var table = await instance.Tables.GetAsync(TableNames.MetricSeries, CancellationToken.None);

        var retention = new SeriesRetention(instance.Tables, Microsoft.Extensions.Logging.Abstractions.NullLogger<SeriesRetention>.Instance);
        await retention.CleanAsync(Now.AddHours(3), CancellationToken.None); // raw rows are now 3.5 h old; rollup and meta kept
        var rowsAfterRaw = await RowKeysAsync(table, fingerprint);
        Assert.DoesNotContain(rowsAfterRaw, k => k.StartsWith('b'));
        Assert.Contains(SeriesRows.MetaKey(fingerprint), rowsAfterRaw);
        Assert.Contains(rowsAfterRaw, k => k.StartsWith('r'));

        await retention.CleanAsync(Now.AddHours(27), CancellationToken.None); // silent for more than 26 h
        Assert.Empty(await RowKeysAsync(table, fingerprint));
        Assert.Empty(await instance.Query.ListSeriesAsync(selector, CancellationToken.None));
    }

    [Fact]
    public async Task Merge_ManySeriesInTheSameBuckets_NoTwoRowsOfTheTableShareARowKey()
    {
        // Azurite finds an entity by its RowKey index first and scans every row with that RowKey: keys shared by all
        // series of a bucket made each write cost as much as the number of series (docs/architecture.md).
        var time = new ManualTime(Now);
        var instance = new StoreInstance(_azurite, time);
        var tag = Messages.Unique("rowkeys");
        var t = Now.ToUnixTimeMilliseconds();
        var lines = string.Join('\n', Enumerable.Range(0, 5).SelectMany(i => new[]
        {
            $"probe,test={tag},probe=p{i} success=1 {t - 20_000}",
            $"probe,test={tag},probe=p{i} success=1 {t}",
        }));
        await instance.ApplyAsync(Assert.Single(Messages.FromInflux(lines, Now, "k1")));
        var series = await instance.Query.ListSeriesAsync(new SeriesSelector("probe_success", [LabelMatcher.Create("test", MatchOperator.Equal, tag)]), CancellationToken.None);
        var table = await instance.Tables.GetAsync(TableNames.MetricSeries, CancellationToken.None);

        var keys = new List<string>();
        foreach (var fingerprint in series.Select(s => s.Fingerprint))
        {
            var own = await RowKeysAsync(table, fingerprint);
            Assert.Equal(4, own.Count); // two raw buckets, the meta row, one rollup
            Assert.All(own, key => Assert.EndsWith("-" + fingerprint, key, StringComparison.Ordinal));
            keys.AddRange(own);
        }

        Assert.Equal(5, series.Count);
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Retention_RowsOfTheLayoutBeforeFingerprintedKeys_Removed()
    {
        var time = new ManualTime(Now);
        var instance = new StoreInstance(_azurite, time);
        var tag = Messages.Unique("legacy");
        await instance.ApplyAsync(Assert.Single(Messages.FromInflux($"disk,test={tag} free=1 {Now.ToUnixTimeMilliseconds() - 30 * 60_000}", Now, "l1")));
        var fingerprint = Assert.Single(await instance.Query.ListSeriesAsync(new SeriesSelector("disk_free", [LabelMatcher.Create("test", MatchOperator.Equal, tag)]), CancellationToken.None)).Fingerprint;
        var table = await instance.Tables.GetAsync(TableNames.MetricSeries, CancellationToken.None);
        var oldBucket = (Now.ToUnixTimeMilliseconds() / 1000) - 3600; // an hour before: 4 h old at the clean below
        foreach (var key in new[] { $"b{oldBucket:D11}", SeriesRows.LegacyMetaRow, $"r{99_999_999_999 - (oldBucket - 26 * 3600):D11}" })
        {
            await table.AddEntityAsync(new TableEntity(fingerprint, key) { ["LastTime"] = (oldBucket - 26 * 3600) * 1000 }, CancellationToken.None);
        }

        var retention = new SeriesRetention(instance.Tables, Microsoft.Extensions.Logging.Abstractions.NullLogger<SeriesRetention>.Instance);
        await retention.CleanAsync(Now.AddHours(3), CancellationToken.None);

        var left = await RowKeysAsync(table, fingerprint);
        Assert.DoesNotContain(left, key => !key.EndsWith("-" + fingerprint, StringComparison.Ordinal)); // every old-layout row gone
        Assert.Contains(SeriesRows.MetaKey(fingerprint), left); // the live series keeps its meta row and rollup
        Assert.Contains(left, key => key.StartsWith('r'));
    }

    private static async Task<List<string>> RowKeysAsync(TableClient table, string partition)
    {
        var keys = new List<string>();
        await foreach (var row in table.QueryAsync(TableFilter.Create($"PartitionKey eq {partition}"), null, ["RowKey"], CancellationToken.None))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }
}
