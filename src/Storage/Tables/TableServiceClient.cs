using Azure;
using Vigil.Storage.Pipeline;

namespace Vigil.Storage.Tables;

/// <summary>The Table service of one account: creates per-table clients that share its pipeline.</summary>
public sealed class TableServiceClient
{
    private readonly StoragePipeline _pipeline;

    internal TableServiceClient(StoragePipeline pipeline) => _pipeline = pipeline;

    public Uri Endpoint => _pipeline.Endpoint;

    public TableClient GetTableClient(string tableName) => new(_pipeline, tableName);

    public Task<Response> CreateTableIfNotExistsAsync(string tableName, CancellationToken cancellationToken = default) =>
        GetTableClient(tableName).CreateIfNotExistsAsync(cancellationToken);

    /// <summary>Deletes the table; a missing table (404) is not an error.</summary>
    public Task<Response> DeleteTableAsync(string tableName, CancellationToken cancellationToken = default) =>
        GetTableClient(tableName).DeleteAsync(cancellationToken);

    /// <summary>409 and 412 are concurrency conflicts callers retry; everything else is a plain failure.</summary>
    internal static RequestFailedException CreateException(Response response) =>
        response.Status is 409 or 412 ? new TableConflictException(response) : StoragePipeline.CreateException(response);
}
