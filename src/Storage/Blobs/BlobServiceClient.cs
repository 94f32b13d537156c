using Vigil.Storage.Pipeline;

namespace Vigil.Storage.Blobs;

/// <summary>The Blob service of one account: creates per-container clients that share its pipeline.</summary>
public sealed class BlobServiceClient
{
    private readonly StoragePipeline _pipeline;

    internal BlobServiceClient(StoragePipeline pipeline) => _pipeline = pipeline;

    public Uri Endpoint => _pipeline.Endpoint;

    public BlobContainerClient GetBlobContainerClient(string containerName) => new(_pipeline, containerName);
}
