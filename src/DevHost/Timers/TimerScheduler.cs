using System.Globalization;
using System.Text.Json.Nodes;
using NCrontab;
using Vigil.DevHost.AppRoot;

namespace Vigil.DevHost.Timers;

/// <summary>A timer's schedule: six-field NCRONTAB (with seconds) or a constant interval (hh:mm:ss), as the host accepts.</summary>
public sealed class TimerSchedule
{
    private readonly CrontabSchedule? _cron;
    private readonly TimeSpan? _interval;

    private TimerSchedule(string expression, CrontabSchedule? cron, TimeSpan? interval)
    {
        Expression = expression;
        _cron = cron;
        _interval = interval;
    }

    public string Expression { get; }

    public static TimerSchedule Parse(string expression, string where)
    {
        var cron = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        if (cron is not null)
        {
            return new TimerSchedule(expression, cron, null);
        }

        if (TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return new TimerSchedule(expression, null, interval);
        }

        throw new FunctionAppDefinitionException(where, $"schedule '{expression}' is neither a six-field NCRONTAB expression (\"*/30 * * * * *\") nor a time span (\"00:05:00\")");
    }

    public DateTimeOffset Next(DateTimeOffset after) =>
        _cron is not null
            ? new DateTimeOffset(_cron.GetNextOccurrence(after.UtcDateTime), TimeSpan.Zero)
            : after + _interval!.Value;

    /// <summary>The host turns the schedule monitor off for schedules firing more than once a minute.</summary>
    public bool FiresMoreThanOncePerMinute(DateTimeOffset from)
    {
        var first = Next(from);
        return Next(first) - first < TimeSpan.FromMinutes(1);
    }
}

/// <summary>
/// Runs timerTrigger functions on their schedules: <c>%NAME%</c> resolved from app settings, <c>runOnStartup</c>
/// honoured, no overlapping runs of one timer, a failed run not retried (the host retries timers only with a
/// retry policy). The payload is the host's TimerInfo: Schedule, ScheduleStatus (null when the monitor is off),
/// IsPastDue.
/// </summary>
public sealed class TimerScheduler : IAsyncDisposable
{
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<FunctionDefinition, JsonObject, CancellationToken, Task<string?>> _invoke;
    private readonly DevHostLog _log;

    public TimerScheduler(Func<FunctionDefinition, JsonObject, CancellationToken, Task<string?>> invoke, DevHostLog log)
    {
        _invoke = invoke;
        _log = log;
    }

    public void Start(FunctionDefinition function, TimerSchedule schedule)
    {
        var binding = (TimerTriggerBinding)function.Trigger;
        _loops.Add(Task.Run(() => LoopAsync(function, binding, schedule, _stopping.Token)));
    }

    /// <summary>The timer payload for a run now (also used by the admin API's manual runs).</summary>
    public static JsonObject Payload(TimerSchedule schedule, bool useMonitor, DateTimeOffset? last, DateTimeOffset now, bool isPastDue = false)
    {
        JsonNode? status = null;
        if (useMonitor && !schedule.FiresMoreThanOncePerMinute(now))
        {
            status = new JsonObject
            {
                ["Last"] = (last ?? DateTimeOffset.MinValue.UtcDateTime).ToString("O", CultureInfo.InvariantCulture),
                ["Next"] = schedule.Next(now).ToString("O", CultureInfo.InvariantCulture),
                ["LastUpdated"] = now.ToString("O", CultureInfo.InvariantCulture),
            };
        }

        return new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = status,
            ["IsPastDue"] = isPastDue,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }

        _stopping.Dispose();
    }

    private async Task LoopAsync(FunctionDefinition function, TimerTriggerBinding binding, TimerSchedule schedule, CancellationToken stopping)
    {
        DateTimeOffset? last = null;
        if (binding.RunOnStartup)
        {
            last = await RunAsync(function, binding, schedule, last, stopping);
        }

        while (!stopping.IsCancellationRequested)
        {
            var next = schedule.Next(DateTimeOffset.UtcNow);
            var delay = next - DateTimeOffset.UtcNow;
            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, stopping);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            last = await RunAsync(function, binding, schedule, last, stopping);
        }
    }

    private async Task<DateTimeOffset?> RunAsync(FunctionDefinition function, TimerTriggerBinding binding, TimerSchedule schedule, DateTimeOffset? last, CancellationToken stopping)
    {
        var now = DateTimeOffset.UtcNow;
        try
        {
            var failure = await _invoke(function, Payload(schedule, binding.UseMonitor, last, now), stopping);
            if (failure is not null)
            {
                _log.Error($"Timer {function.Name} failed: {failure} (not retried; next run on schedule)");
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _log.Error($"Timer {function.Name} could not run: {ex.GetType().Name}: {ex.Message}");
        }

        return now;
    }
}
