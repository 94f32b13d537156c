using Vigil.Functions.Hosting;
using Vigil.Functions.Probes;

namespace Vigil.Functions.FunctionApp.RunProbes;

/// <summary>
/// Timer (every 10 s by default, <c>VIGIL_PROBES_SCHEDULE</c>): runs the probes that are due, records their
/// results, sends their metrics, watches heartbeat deadlines, and evaluates the status rules of whatever changed.
/// </summary>
public sealed class RunProbesFunction : TimerFunction
{
    private readonly ProbeCycle _cycle;

    public RunProbesFunction(ITimerRunRecorder recorder, ProbeCycle cycle)
        : base(recorder) => _cycle = cycle;

    public override string Name => "RunProbes";

    protected override Task RunAsync(TimerInfo timer, InvocationResult outputs, CancellationToken cancellationToken) =>
        _cycle.RunAsync(outputs, cancellationToken);
}
