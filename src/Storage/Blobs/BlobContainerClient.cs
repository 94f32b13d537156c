using Azure;
using Azure.Core;
using Vigil.Storage.Pipeline;

namespace Vigil.Storage.Blobs;

/// <summary>One blob container, with whole-blob (block blob) upload, download and delete.</summary>
public sealed class BlobContainerClient
{
    private readonly StoragePipeline _pipeline;

    internal BlobContainerClient(StoragePipeline pipeline, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _pipeline = pipeline;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Creates the (private) container; an existing container is not an error.</summary>
    public async Task<Response> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Put, StoragePipeline.Escape(Name));
        message.Request.Uri.AppendQuery("restype", "container");
        return await _pipeline.SendAsync(message, cancellationToken, 409);
    }

    /// <summary>Uploads a block blob in one request; without <paramref name="overwrite"/> an existing blob gives 409.</summary>
    public async Task<Response> UploadAsync(string blobName, BinaryData content, bool overwrite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var message = _pipeline.CreateMessage(RequestMethod.Put, BlobPath(blobName));
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        message.Request.Headers.SetValue("Content-Type", content.MediaType ?? "application/octet-stream");
        if (!overwrite)
        {
            message.Request.Headers.SetValue("If-None-Match", "*");
        }

        message.Request.Content = RequestContent.Create(content);
        return await _pipeline.SendAsync(message, cancellationToken);
    }

    /// <summary>Downloads the whole blob; a missing blob or container gives a response without a value.</summary>
    public async Task<NullableResponse<BinaryData>> DownloadIfExistsAsync(string blobName, CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Get, BlobPath(blobName));
        var response = await _pipeline.SendAsync(message, cancellationToken, 404);
        return response.Status == 404
            ? new NoValueResponse<BinaryData>(response)
            : Response.FromValue(response.Content, response);
    }

    /// <summary>Deletes the blob; the value is false when there was none.</summary>
    public async Task<Response<bool>> DeleteIfExistsAsync(string blobName, CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage(RequestMethod.Delete, BlobPath(blobName));
        var response = await _pipeline.SendAsync(message, cancellationToken, 404);
        return Response.FromValue(response.Status != 404, response);
    }

    // Blob names may contain '/': escape each segment and keep the separators.
    private string BlobPath(string blobName)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        return StoragePipeline.Escape(Name) + "/" + string.Join('/', blobName.Split('/').Select(StoragePipeline.Escape));
    }
}
