namespace Vigil.Functions.Health;

/// <summary>Depth of one queue: messages waiting (or locked) and dead-lettered.</summary>
public sealed record QueueDepth(string Queue, long Active, long DeadLetter);

/// <summary>Reads queue depths for /api/health. Null means the backend cannot tell (e.g. the Service Bus emulator).</summary>
public interface IQueueStatistics
{
    Task<QueueDepth?> GetAsync(string queueName, CancellationToken cancellationToken);
}

/// <summary>For a Service Bus connection whose depths cannot be read: every queue is "unknown".</summary>
public sealed class UnavailableQueueStatistics : IQueueStatistics
{
    public Task<QueueDepth?> GetAsync(string queueName, CancellationToken cancellationToken) => Task.FromResult<QueueDepth?>(null);
}
