using Vigil.Functions.Health;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.FunctionApp.SystemHeartbeat;

/// <summary>
/// Timer: records its run and sends a beat through the <c>system-heartbeat</c> queue, so /api/health can
/// tell that timers, queues and queue-triggered functions all work.
/// </summary>
public sealed class SystemHeartbeatFunction : TimerFunction
{
    public const string HeartbeatOutput = "heartbeatOut";
    private readonly TimeProvider _time;

    public SystemHeartbeatFunction(ITimerRunRecorder recorder, TimeProvider time)
        : base(recorder) => _time = time;

    public override string Name => "SystemHeartbeat";

    protected override Task RunAsync(TimerInfo timer, InvocationResult outputs, CancellationToken cancellationToken)
    {
        outputs.AddMessage(HeartbeatOutput, new PipelineBeatMessage(Guid.NewGuid().ToString("N"), _time.GetUtcNow()));
        return Task.CompletedTask;
    }
}
