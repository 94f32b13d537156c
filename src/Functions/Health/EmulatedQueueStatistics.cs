using Vigil.Storage.Emulation;
using Vigil.Storage.Queues;

namespace Vigil.Functions.Health;

/// <summary>Queue depths under DevHost, whose Service Bus queues are storage queues on Azurite.</summary>
public sealed class EmulatedQueueStatistics : IQueueStatistics
{
    private readonly QueueServiceClient _queues;

    public EmulatedQueueStatistics(QueueServiceClient queues) => _queues = queues;

    public async Task<QueueDepth?> GetAsync(string queueName, CancellationToken cancellationToken)
    {
        var active = await CountAsync(ServiceBusEmulation.ActiveQueue(queueName), cancellationToken);
        var deadLetter = await CountAsync(ServiceBusEmulation.DeadLetterQueue(queueName), cancellationToken);
        return new QueueDepth(queueName, active, deadLetter);
    }

    private async Task<long> CountAsync(string storageQueue, CancellationToken cancellationToken)
    {
        try
        {
            return (await _queues.GetQueueClient(storageQueue).GetApproximateMessageCountAsync(cancellationToken)).Value;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return 0; // DevHost creates queues when it starts receiving; none yet means nothing waits.
        }
    }
}
