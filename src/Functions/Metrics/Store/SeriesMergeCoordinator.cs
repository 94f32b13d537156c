using Vigil.Domain.Metrics.Aggregates;
using Vigil.Functions.Configuration;

namespace Vigil.Functions.Metrics.Store;

/// <summary>
/// Group commit per series, paced by the clock's 10 s buckets (<see cref="SeriesWritePace"/>): a series starts at most
/// <see cref="AppSettings.MetricsWritesPerBucket"/> writes per bucket, whatever the message rate. A quiet series is
/// written at once; data for a busy series waits for the next flush point (with 2 writes per bucket: the bucket's
/// start and midpoint) and everything that arrives meanwhile goes into that one write. Each caller waits until the
/// write holding its data has committed (or failed: then its invocation fails and the message is redelivered; the
/// merge is idempotent), so a message completes only once its data is durable and a crash loses nothing.
/// <para>
/// Of the callers whose data one write committed, only one (the latest to arrive) is told to report the series to
/// the rule engine (<see cref="MergeAsync"/>'s result): the rules read the stored series, so one evaluation after a
/// write sees everything it committed, and a flush that held 250 messages costs one evaluation, not 250. Should that
/// invocation die before evaluating, the alert sweep (every 15 s, every rule) evaluates the data anyway.
/// </para>
/// </summary>
public sealed class SeriesMergeCoordinator
{
    /// <summary>Series remembered; past this, the ones with nothing pending and no write in the current bucket are forgotten.</summary>
    private const int TrackedSeriesLimit = 50_000;

    private readonly SeriesStore _store;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _writing;
    private int _waiting;
    private TaskCompletionSource? _idle;

    public SeriesMergeCoordinator(SeriesStore store, SettingsReader settings, TimeProvider time)
        : this(store, WritesPerBucketSetting(settings), time)
    {
    }

    public SeriesMergeCoordinator(SeriesStore store, int writesPerBucket, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(writesPerBucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(writesPerBucket, SeriesWritePace.MaxWritesPerBucket);
        _store = store;
        WritesPerBucket = writesPerBucket;
        _time = time ?? TimeProvider.System;
    }

    private static int WritesPerBucketSetting(SettingsReader settings)
    {
        var value = settings.GetInt32(AppSettings.MetricsWritesPerBucket);
        return value is >= 0 and <= SeriesWritePace.MaxWritesPerBucket
            ? value
            : throw new InvalidOperationException($"App setting {AppSettings.MetricsWritesPerBucket.Name} is {value}; it must be 0 (no pacing) to {SeriesWritePace.MaxWritesPerBucket}.");
    }

    /// <summary>The budget per series per bucket; 0 = unpaced (each write starts as soon as the previous one ended).</summary>
    public int WritesPerBucket { get; }

    /// <summary>Series whose data waits for a flush point (for logs and tests).</summary>
    public int SeriesWaiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting;
            }
        }
    }

    /// <summary>
    /// Merges the contributions (any series) and returns when all of them are durable, with the contributions whose
    /// series this caller reports to the rule engine: those whose write held no data of a later caller.
    /// </summary>
    public async Task<IReadOnlyList<SeriesContribution>> MergeAsync(IReadOnlyList<SeriesContribution> contributions, CancellationToken ct)
    {
        var evaluate = await Task.WhenAll(contributions.Select(Enqueue).ToList()).WaitAsync(ct);
        return [.. contributions.Where((_, i) => evaluate[i])];
    }

    /// <summary>
    /// Completes when no write is running (series whose data waits for a flush point do not count). With a manual
    /// clock, tests advance the clock (due flushes start synchronously) and then await this.
    /// </summary>
    public Task WhenWritesDoneAsync()
    {
        lock (_gate)
        {
            if (_writing == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    private Task<bool> Enqueue(SeriesContribution contribution)
    {
        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Series? start = null;
        lock (_gate)
        {
            if (!_series.TryGetValue(contribution.Fingerprint, out var series))
            {
                if (_series.Count >= TrackedSeriesLimit)
                {
                    Forget();
                }

                series = new Series(contribution.Fingerprint, new SeriesWritePace(WritesPerBucket));
                _series.Add(contribution.Fingerprint, series);
            }

            series.Items.Add((contribution, waiter));
            if (series.State == SeriesState.Idle && Schedule(series, waited: false))
            {
                start = series;
            }
        }

        if (start is not null)
        {
            _ = Task.Run(() => WriteAsync(start), CancellationToken.None);
        }

        return waiter.Task;
    }

    /// <summary>
    /// Under the lock, for a series with data and no write running: starts its write now (returns true: the caller runs
    /// <see cref="WriteAsync"/>) or sets a timer for its next flush point.
    /// </summary>
    private bool Schedule(Series series, bool waited)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var due = series.Pace.NextWriteAt(now);
        if (due <= now)
        {
            series.Pace.Started(now, waited);
            if (series.State != SeriesState.Writing)
            {
                SetState(series, SeriesState.Writing);
            }

            return true;
        }

        SetState(series, SeriesState.Waiting);
        series.Timer?.Dispose();
        series.Timer = _time.CreateTimer(static s => ((State)s!).Coordinator.OnDue(((State)s!).Series), new State(this, series), TimeSpan.FromMilliseconds(due - now), Timeout.InfiniteTimeSpan);
        return false;
    }

    private void OnDue(Series series)
    {
        lock (_gate)
        {
            if (series.State != SeriesState.Waiting || !Schedule(series, waited: true))
            {
                return;
            }
        }

        _ = Task.Run(() => WriteAsync(series), CancellationToken.None);
    }

    private async Task WriteAsync(Series series)
    {
        while (true)
        {
            List<(SeriesContribution Contribution, TaskCompletionSource<bool> Waiter)> batch;
            lock (_gate)
            {
                batch = series.Items;
                series.Items = [];
            }

            try
            {
                if (await _store.MergeAsync(batch.Select(b => b.Contribution).ToList(), CancellationToken.None) == 0)
                {
                    lock (_gate)
                    {
                        series.Pace.Refund(); // only redelivered data: no transaction, no budget spent
                    }
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Waiter.TrySetResult(i == batch.Count - 1); // the latest caller evaluates for the whole write
                }
            }
            catch (Exception ex)
            {
                foreach (var (_, waiter) in batch)
                {
                    waiter.TrySetException(ex);
                }
            }

            lock (_gate)
            {
                if (series.Items.Count == 0)
                {
                    SetState(series, SeriesState.Idle);
                    return;
                }

                // Data arrived during the write: it goes now if the budget allows, else at the next flush point.
                if (!Schedule(series, waited: false))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Moves a series between states and keeps the counts (under the lock).</summary>
    private void SetState(Series series, SeriesState state)
    {
        _writing += (state == SeriesState.Writing ? 1 : 0) - (series.State == SeriesState.Writing ? 1 : 0);
        _waiting += (state == SeriesState.Waiting ? 1 : 0) - (series.State == SeriesState.Waiting ? 1 : 0);
        series.State = state;
        if (state != SeriesState.Waiting && series.Timer is { } timer)
        {
            timer.Dispose();
            series.Timer = null;
        }

        if (_writing == 0 && _idle is { } idle)
        {
            _idle = null;
            idle.TrySetResult();
        }
    }

    /// <summary>Drops series with nothing pending whose pacing state no longer matters (under the lock).</summary>
    private void Forget()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var fingerprint in _series.Where(p => p.Value.State == SeriesState.Idle && p.Value.Pace.IsForgettable(now)).Select(p => p.Key).ToList())
        {
            _series.Remove(fingerprint);
        }
    }

    private enum SeriesState
    {
        Idle,
        Waiting,
        Writing,
    }

    private sealed class Series(string fingerprint, SeriesWritePace pace)
    {
        public string Fingerprint { get; } = fingerprint;

        public SeriesWritePace Pace { get; } = pace;

        public List<(SeriesContribution Contribution, TaskCompletionSource<bool> Waiter)> Items { get; set; } = [];

        public SeriesState State { get; set; }

        public ITimer? Timer { get; set; }
    }

    private sealed record State(SeriesMergeCoordinator Coordinator, Series Series);
}
