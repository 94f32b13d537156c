using Vigil.Functions.Configuration;

namespace Vigil.Functions.Metrics.Store;

/// <summary>
/// Group commit per series: invocations that bring data for the same series while a write for it is running (or within
/// <see cref="AppSettings.MetricsMergeLinger"/>) are merged into the next write, so under load the table cost per series
/// per bucket stays flat however many messages arrive. Each caller waits until the write holding its data has committed
/// (or failed: then its invocation fails and the message is redelivered; the merge is idempotent).
/// </summary>
public sealed class SeriesMergeCoordinator
{
    private readonly SeriesStore _store;
    private readonly TimeSpan _linger;
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public SeriesMergeCoordinator(SeriesStore store, SettingsReader settings)
        : this(store, settings.GetDuration(AppSettings.MetricsMergeLinger))
    {
    }

    public SeriesMergeCoordinator(SeriesStore store, TimeSpan linger)
    {
        _store = store;
        _linger = linger;
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
            _ = Task.Run(() => RunAsync(contribution.Fingerprint, pending), CancellationToken.None);
        }

        return waiter.Task.WaitAsync(ct);
    }

    private async Task RunAsync(string fingerprint, Pending pending)
    {
        while (true)
        {
            if (_linger > TimeSpan.Zero)
            {
                await Task.Delay(_linger);
            }

            List<(SeriesContribution Contribution, TaskCompletionSource Waiter)> batch;
            lock (_gate)
            {
                if (pending.Items.Count == 0)
                {
                    pending.Running = false;
                    _pending.Remove(fingerprint);
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
        }
    }

    private sealed class Pending
    {
        public List<(SeriesContribution Contribution, TaskCompletionSource Waiter)> Items { get; set; } = [];

        public bool Running { get; set; }
    }
}
