using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Core;
using Vigil.Storage.Pipeline;

namespace Vigil.Storage.Tables;

/// <summary>
/// One table: entity CRUD with optimistic concurrency (ETag / If-Match), queries with continuation, and
/// entity group transactions. 409 and 412 surface as <see cref="TableConflictException"/>.
/// </summary>
public sealed class TableClient
{
    internal const string JsonMediaType = "application/json;odata=minimalmetadata";

    private readonly StoragePipeline _pipeline;

    internal TableClient(StoragePipeline pipeline, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _pipeline = pipeline;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Creates the table; an existing table (409) is not an error.</summary>
    public async Task<Response> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Post, "Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJson(message, new BinaryData(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name })));
        return await SendAsync(message, cancellationToken, 409);
    }

    /// <summary>Deletes the table; a missing table (404) is not an error.</summary>
    public async Task<Response> DeleteAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, $"Tables('{KeyLiteral(Name)}')");
        return await SendAsync(message, cancellationToken, 404);
    }

    /// <summary>Inserts the entity; 409 if it exists. The response's ETag header is the new version.</summary>
    public async Task<Response> AddEntityAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = CreateMessage(RequestMethod.Post, StoragePipeline.Escape(Name));
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJson(message, TableEntityJson.Serialize(entity));
        return await SendAsync(message, cancellationToken);
    }

    /// <summary>Inserts, or merges into / replaces an existing entity, whatever its version.</summary>
    public Task<Response> UpsertEntityAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default) =>
        WriteEntityAsync(entity, ifMatch: null, mode, cancellationToken);

    /// <summary>Updates an existing entity if its ETag still matches <paramref name="ifMatch"/> (<see cref="ETag.All"/>: any).</summary>
    public Task<Response> UpdateEntityAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
    {
        if (ifMatch == default)
        {
            throw new ArgumentException("Pass the entity's ETag, or ETag.All to update unconditionally.", nameof(ifMatch));
        }

        return WriteEntityAsync(entity, ifMatch.ToString(), mode, cancellationToken);
    }

    /// <summary>Deletes the entity (default <paramref name="ifMatch"/>: "*"). A missing entity (404) is not an error.</summary>
    public async Task<Response> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, EntityPath(Name, partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", ifMatch == default ? "*" : ifMatch.ToString());
        return await SendAsync(message, cancellationToken, 404);
    }

    /// <summary>Reads one entity; a missing entity gives a response without a value.</summary>
    public async Task<NullableResponse<TableEntity>> GetEntityIfExistsAsync(
        string partitionKey,
        string rowKey,
        IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, EntityPath(Name, partitionKey, rowKey));
        AppendSelect(message, select);
        var response = await SendAsync(message, cancellationToken, 404);
        if (response.Status == 404)
        {
            return new NoValueResponse<TableEntity>(response);
        }

        using var json = JsonDocument.Parse(response.Content);
        var entity = TableEntityJson.Deserialize(json.RootElement);
        if (entity.ETag == default)
        {
            entity.ETag = response.Headers.ETag ?? default;
        }

        return Response.FromValue(entity, response);
    }

    /// <summary>
    /// Queries entities. <paramref name="filter"/> is an OData expression (build it with <see cref="TableFilter.Create"/>);
    /// <paramref name="maxPerPage"/> is $top (at most 1,000 per page). Pages follow the service's continuation;
    /// their continuation tokens are opaque.
    /// </summary>
    public AsyncPageable<TableEntity> QueryAsync(
        string? filter = null,
        int? maxPerPage = null,
        IEnumerable<string>? select = null,
        CancellationToken cancellationToken = default)
    {
        var selected = select?.ToList();
        return new FuncAsyncPageable<TableEntity>(
            (token, pageSizeHint, cancellationToken) => QueryPageAsync(filter, pageSizeHint ?? maxPerPage, selected, token, cancellationToken),
            cancellationToken);
    }

    /// <summary>
    /// Submits an entity group transaction: all or nothing, 1 to 100 actions on one PartitionKey, each RowKey once
    /// (checked before sending). A rejected transaction throws <see cref="TableTransactionFailedException"/>.
    /// </summary>
    public async Task<Response<IReadOnlyList<Response>>> SubmitTransactionAsync(
        IEnumerable<TableTransactionAction> actions,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var list = actions.ToList();
        TableTransaction.Validate(list);

        var batchBoundary = $"batch_{Guid.NewGuid()}";
        var changesetBoundary = $"changeset_{Guid.NewGuid()}";
        using var message = CreateMessage(RequestMethod.Post, "$batch");
        message.Request.Headers.SetValue("Content-Type", $"multipart/mixed; boundary={batchBoundary}");
        message.Request.Content = RequestContent.Create(BinaryData.FromString(
            TableTransaction.Serialize(_pipeline.Endpoint, Name, list, batchBoundary, changesetBoundary)));
        var response = await SendAsync(message, cancellationToken);

        var results = TableTransaction.ParseResponses(response);
        var failed = results.FirstOrDefault(r => r.Status >= 400);
        if (failed is not null)
        {
            throw TableTransaction.CreateException(failed, list);
        }

        return Response.FromValue(results, response);
    }

    internal static string EntityPath(string tableName, string partitionKey, string rowKey) =>
        $"{StoragePipeline.Escape(tableName)}(PartitionKey='{KeyLiteral(partitionKey)}',RowKey='{KeyLiteral(rowKey)}')";

    // Keys are OData string literals (quotes doubled) inside the URL path, then URL-escaped.
    private static string KeyLiteral(string key) =>
        StoragePipeline.Escape(key.Replace("'", "''", StringComparison.Ordinal));

    private async Task<Page<TableEntity>> QueryPageAsync(
        string? filter,
        int? top,
        IReadOnlyList<string>? select,
        string? continuationToken,
        CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Get, StoragePipeline.Escape(Name) + "()");
        var uri = message.Request.Uri;
        if (!string.IsNullOrEmpty(filter))
        {
            uri.AppendQuery("$filter", filter);
        }

        if (top is { } pageSize)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize, nameof(top));
            uri.AppendQuery("$top", Math.Min(pageSize, 1000).ToString(CultureInfo.InvariantCulture));
        }

        AppendSelect(message, select);
        if (!string.IsNullOrEmpty(continuationToken))
        {
            var parts = continuationToken.Split(' ', 2);
            uri.AppendQuery("NextPartitionKey", parts[0]);
            if (parts.Length > 1)
            {
                uri.AppendQuery("NextRowKey", parts[1]);
            }
        }

        var response = await SendAsync(message, cancellationToken);
        using var json = JsonDocument.Parse(response.Content);
        var entities = json.RootElement.TryGetProperty("value", out var value)
            ? value.EnumerateArray().Select(TableEntityJson.Deserialize).ToList()
            : [];

        string? next = null;
        if (response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPartition) && !string.IsNullOrEmpty(nextPartition))
        {
            next = response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRow) && !string.IsNullOrEmpty(nextRow)
                ? $"{nextPartition} {nextRow}"
                : nextPartition;
        }

        return Page<TableEntity>.FromValues(entities, next, response);
    }

    private async Task<Response> WriteEntityAsync(TableEntity entity, string? ifMatch, TableUpdateMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var method = mode == TableUpdateMode.Merge ? RequestMethod.Patch : RequestMethod.Put;
        using var message = CreateMessage(method, EntityPath(Name, entity.PartitionKey, entity.RowKey));
        if (ifMatch is not null)
        {
            message.Request.Headers.SetValue("If-Match", ifMatch);
        }

        SetJson(message, TableEntityJson.Serialize(entity));
        return await SendAsync(message, cancellationToken);
    }

    private HttpMessage CreateMessage(RequestMethod method, string path)
    {
        var message = _pipeline.CreateMessage(method, path);
        message.Request.Headers.SetValue("Accept", JsonMediaType);
        message.Request.Headers.SetValue("DataServiceVersion", "3.0");
        message.Request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return message;
    }

    private Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken, params int[] tolerated) =>
        _pipeline.SendAsync(message, cancellationToken, tolerated);

    private static void SetJson(HttpMessage message, BinaryData json)
    {
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(json);
    }

    private static void AppendSelect(HttpMessage message, IEnumerable<string>? select)
    {
        if (select is not null)
        {
            var columns = string.Join(',', select);
            if (columns.Length > 0)
            {
                message.Request.Uri.AppendQuery("$select", columns);
            }
        }
    }
}
