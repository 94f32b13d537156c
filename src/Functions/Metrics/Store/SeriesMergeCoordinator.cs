using Vigil.Functions.Configuration;

namespace Vigil.Functions.Metrics.Store;

/// <summary>
/// Group commit per series. A write to a series starts at once unless the previous write of that series finished less
/// than <see cref="AppSettings.MetricsMergeLinger"/> ago; then it waits out the rest of that interval. Everything that
/// arrives for the series while a write runs or waits goes into the next write. So a series pushed now and then is
/// written at once, and a series that many messages hit is written at most once per interval, whatever the message
/// rate. Each caller waits until the write holding its data has committed (or failed: then its invocation fails and the
/// message is redelivered; the merge is idempotent).
/// </summary>
public sealed class SeriesMergeCoordinator
{
    /// <summary>Idle series remembered (for their last write time); past this, the idle ones are forgotten.</summary>
    private const int TrackedSeriesLimit = 50_000;

    private readonly SeriesStore _store;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public SeriesMergeCoordinator(SeriesStore store, SettingsReader settings, TimeProvider time)
        : this(store, settings.GetDuration(AppSettings.MetricsMergeLinger), time)
    {
    }

    public SeriesMergeCoordinator(SeriesStore store, TimeSpan interval, TimeProvider? time = null)
    {
        _store = store;
        _interval = interval;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Merges the contributions (any series) and returns when all of them are durable.</summary>
    public Task MergeAsync(IEnumerable<SeriesContribution> contributions, CancellationToken ct) =>
        Task.WhenAll(contributions.Select(c => EnqueueAsync(c, ct)));

    private Task EnqueueAsync(SeriesContribution contribution, CancellationToken ct)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = false;
        Pending? pending;
        lock (_gate)
        {
            if (!_pending.TryGetValue(contribution.Fingerprint, out pending))
            {
                if (_pending.Count >= TrackedSeriesLimit)
                {
                    Forget();
                }

                pending = new Pending();
                _pending.Add(contribution.Fingerprint, pending);
            }

            pending.Items.Add((contribution, waiter));
            if (!pending.Running)
            {
                pending.Running = true;
                start = true;
            }
        }

        if (start)
        {
            _ = Task.Run(() => RunAsync(pending), CancellationToken.None);
        }

        return waiter.Task.WaitAsync(ct);
    }

    private async Task RunAsync(Pending pending)
    {
        while (true)
        {
            if (pending.LastWrite != 0 && _interval > TimeSpan.Zero)
            {
                var wait = _interval - _time.GetElapsedTime(pending.LastWrite);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time);
                }
            }

            List<(SeriesContribution Contribution, TaskCompletionSource Waiter)> batch;
            lock (_gate)
            {
                if (pending.Items.Count == 0)
                {
                    pending.Running = false;
                    return;
                }

                batch = pending.Items;
                pending.Items = [];
            }

            try
            {
                await _store.MergeAsync(batch.Select(b => b.Contribution).ToList(), CancellationToken.None);
                foreach (var (_, waiter) in batch)
                {
                    waiter.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                foreach (var (_, waiter) in batch)
                {
                    waiter.TrySetException(ex);
                }
            }

            pending.LastWrite = _time.GetTimestamp();
        }
    }

    /// <summary>Drops idle series whose interval has passed (under the lock).</summary>
    private void Forget()
    {
        foreach (var (fingerprint, entry) in _pending.Where(p => !p.Value.Running && _time.GetElapsedTime(p.Value.LastWrite) >= _interval).ToList())
        {
            _pending.Remove(fingerprint);
        }
    }

    private sealed class Pending
    {
        public List<(SeriesContribution Contribution, TaskCompletionSource Waiter)> Items { get; set; } = [];

        public bool Running { get; set; }

        public long LastWrite { get; set; }
    }
}
