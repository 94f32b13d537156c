using Azure;

namespace Vigil.Storage.Tables;

public enum TableUpdateMode
{
    Merge,
    Replace,
}

public enum TableTransactionActionType
{
    Add,
    UpdateMerge,
    UpdateReplace,
    UpsertMerge,
    UpsertReplace,
    Delete,
}

/// <summary>
/// One action of an entity group transaction. <paramref name="ETag"/> is the If-Match for UpdateMerge,
/// UpdateReplace and Delete; left at default it is "*" (unconditional), as in Azure.Data.Tables.
/// </summary>
public sealed record TableTransactionAction(TableTransactionActionType ActionType, TableEntity Entity, ETag ETag = default);
