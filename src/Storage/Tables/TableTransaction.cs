using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Core;
using Vigil.Storage.Pipeline;

namespace Vigil.Storage.Tables;

/// <summary>
/// Entity group transactions: client-side validation, the multipart/mixed $batch body (one changeset) and the
/// parsing of its sub-responses (https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions).
/// </summary>
internal static class TableTransaction
{
    public const int MaxActions = 100;

    /// <summary>
    /// Rejects what the service would reject, before sending: Azurite accepts cross-partition batches
    /// that Azure refuses, so only this check keeps local runs honest.
    /// </summary>
    public static void Validate(IReadOnlyList<TableTransactionAction> actions)
    {
        if (actions.Count is 0 or > MaxActions)
        {
            throw new ArgumentException(
                $"A table transaction needs 1 to {MaxActions} actions; it has {actions.Count}.", nameof(actions));
        }

        var partitionKey = actions[0].Entity.PartitionKey;
        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < actions.Count; i++)
        {
            var entity = actions[i].Entity ?? throw new ArgumentException($"Transaction action {i} has no entity.", nameof(actions));
            if (!string.Equals(entity.PartitionKey, partitionKey, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"All actions of a table transaction must share one PartitionKey: action {i} has '{entity.PartitionKey}', " +
                    $"action 0 has '{partitionKey}'.", nameof(actions));
            }

            if (!rowKeys.Add(entity.RowKey))
            {
                throw new ArgumentException(
                    $"A table transaction may touch each entity once: RowKey '{entity.RowKey}' appears again at action {i}.",
                    nameof(actions));
            }
        }
    }

    public static string Serialize(
        Uri endpoint,
        string tableName,
        IReadOnlyList<TableTransactionAction> actions,
        string batchBoundary,
        string changesetBoundary)
    {
        var body = new StringBuilder();
        body.Append("--").Append(batchBoundary).Append("\r\n")
            .Append("Content-Type: multipart/mixed; boundary=").Append(changesetBoundary).Append("\r\n\r\n");

        foreach (var action in actions)
        {
            var (method, path, json, ifMatch) = Describe(tableName, action);
            body.Append("--").Append(changesetBoundary).Append("\r\n")
                .Append("Content-Type: application/http\r\n")
                .Append("Content-Transfer-Encoding: binary\r\n\r\n")
                .Append(method).Append(' ').Append(endpoint.AbsoluteUri.TrimEnd('/')).Append('/').Append(path).Append(" HTTP/1.1\r\n")
                .Append("Accept: ").Append(TableClient.JsonMediaType).Append("\r\n")
                .Append("DataServiceVersion: 3.0\r\n");
            if (ifMatch is not null)
            {
                body.Append("If-Match: ").Append(ifMatch).Append("\r\n");
            }

            if (json is not null)
            {
                body.Append("Content-Type: application/json\r\n");
                if (action.ActionType == TableTransactionActionType.Add)
                {
                    body.Append("Prefer: return-no-content\r\n");
                }

                body.Append("\r\n").Append(json.ToString()).Append("\r\n");
            }
            else
            {
                body.Append("\r\n");
            }
        }

        body.Append("--").Append(changesetBoundary).Append("--\r\n")
            .Append("--").Append(batchBoundary).Append("--\r\n");
        return body.ToString();
    }

    /// <summary>The sub-responses of a $batch response, in the order the service wrote them.</summary>
    public static IReadOnlyList<Response> ParseResponses(Response response)
    {
        var lines = response.Content.ToString().Split('\n').Select(line => line.TrimEnd('\r')).ToArray();
        var results = new List<Response>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("HTTP/1.1 ", StringComparison.Ordinal))
            {
                continue;
            }

            var statusLine = lines[i].Split(' ', 3);
            var status = int.Parse(statusLine[1], NumberStyles.Integer, CultureInfo.InvariantCulture);
            var headers = new List<HttpHeader>();
            for (i++; i < lines.Length && lines[i].Length > 0; i++)
            {
                var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    headers.Add(new HttpHeader(lines[i][..colon].Trim(), lines[i][(colon + 1)..].Trim()));
                }
            }

            var body = new StringBuilder();
            for (i++; i < lines.Length && !lines[i].StartsWith("--", StringComparison.Ordinal); i++)
            {
                body.Append(lines[i]).Append('\n');
            }

            i--; // let the outer loop see the boundary line
            results.Add(new SubResponse(status, statusLine.Length > 2 ? statusLine[2] : string.Empty, headers,
                Encoding.UTF8.GetBytes(body.ToString().Trim())));
        }

        return results;
    }

    /// <summary>Turns the failed sub-response into the exception, with the failing action's index ("N:message").</summary>
    public static TableTransactionFailedException CreateException(Response failed, IReadOnlyList<TableTransactionAction> actions)
    {
        var error = StorageErrorParser.Read(failed);
        var message = error.Message ?? failed.ReasonPhrase;
        int? index = null;
        var colon = message.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            index = parsed;
            message = message[(colon + 1)..];
        }

        var where = index is { } at && at >= 0 && at < actions.Count
            ? $"action {at} ({actions[at].ActionType} RowKey '{actions[at].Entity.RowKey}')"
            : "an unidentified action";
        return new TableTransactionFailedException(
            failed.Status,
            $"Table transaction failed at {where}: {failed.Status} {error.ErrorCode}: {message.Trim()}",
            error.ErrorCode,
            index);
    }

    private static (string Method, string Path, BinaryData? Json, string? IfMatch) Describe(string tableName, TableTransactionAction action)
    {
        var entityPath = TableClient.EntityPath(tableName, action.Entity.PartitionKey, action.Entity.RowKey);
        var ifMatch = action.ETag == default ? "*" : action.ETag.ToString();
        var json = TableEntityJson.Serialize(action.Entity);
        return action.ActionType switch
        {
            TableTransactionActionType.Add => ("POST", StoragePipeline.Escape(tableName), json, null),
            TableTransactionActionType.UpdateMerge => ("MERGE", entityPath, json, ifMatch),
            TableTransactionActionType.UpdateReplace => ("PUT", entityPath, json, ifMatch),
            TableTransactionActionType.UpsertMerge => ("MERGE", entityPath, json, null),
            TableTransactionActionType.UpsertReplace => ("PUT", entityPath, json, null),
            TableTransactionActionType.Delete => ("DELETE", entityPath, null, ifMatch),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action.ActionType, "Unknown transaction action type."),
        };
    }

    /// <summary>One HTTP response carried inside the multipart $batch response.</summary>
    private sealed class SubResponse(int status, string reasonPhrase, List<HttpHeader> headers, byte[] body) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => reasonPhrase;

        public override Stream? ContentStream { get; set; } = new MemoryStream(body, 0, body.Length, writable: false, publiclyVisible: true);

        public override string ClientRequestId { get; set; } = string.Empty;

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => Find(name).Any();

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => headers;

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            var values = Find(name).ToList();
            value = values.Count == 0 ? null : string.Join(",", values);
            return values.Count > 0;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            var found = Find(name).ToList();
            values = found.Count == 0 ? null : found;
            return found.Count > 0;
        }

        private IEnumerable<string> Find(string name) =>
            headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
    }
}
