using Vigil.Functions.Health;
using Vigil.Functions.Hosting;

namespace Vigil.Functions.FunctionApp.SystemHeartbeatReceiver;

/// <summary>
/// Queue trigger on <c>system-heartbeat</c>: records the beat's round trip. A message that is not a beat is
/// rejected (the invocation fails), so Service Bus retries it and then dead-letters it for a person to read.
/// </summary>
public sealed class SystemHeartbeatReceiverFunction : ServiceBusFunction
{
    private readonly PipelineHeartbeatStore _store;
    private readonly TimeProvider _time;

    public SystemHeartbeatReceiverFunction(PipelineHeartbeatStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    public override string Name => "SystemHeartbeatReceiver";

    protected override async Task HandleAsync(ServiceBusMessage message, InvocationResult outputs, CancellationToken cancellationToken)
    {
        var beat = message.Deserialize<PipelineBeatMessage>(VigilJson.Options);
        if (string.IsNullOrWhiteSpace(beat.BeatId) || beat.SentAt == default)
        {
            throw new InvocationFormatException("a system-heartbeat message needs beatId and sentAt");
        }

        await _store.RecordAsync(new PipelineBeat(beat.BeatId, beat.SentAt, _time.GetUtcNow(), message.DeliveryCount), cancellationToken);
    }
}
