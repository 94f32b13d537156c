using Vigil.Storage.Pipeline;

namespace Vigil.Storage.Queues;

/// <summary>The Queue service of one account: creates per-queue clients that share its pipeline.</summary>
public sealed class QueueServiceClient
{
    private readonly StoragePipeline _pipeline;

    internal QueueServiceClient(StoragePipeline pipeline) => _pipeline = pipeline;

    public Uri Endpoint => _pipeline.Endpoint;

    public QueueClient GetQueueClient(string queueName) => new(_pipeline, queueName);
}
