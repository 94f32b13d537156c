using Azure;
using Vigil.Storage.Pipeline;

namespace Vigil.Storage.Tables;

/// <summary>
/// A Table call lost an optimistic-concurrency race: 412 (UpdateConditionNotSatisfied, a stale ETag) or
/// 409 (EntityAlreadyExists). Catch it, re-read the entity and retry.
/// </summary>
public sealed class TableConflictException : RequestFailedException
{
    public TableConflictException()
        : base("The table entity was changed or created concurrently.")
    {
    }

    public TableConflictException(string message)
        : base(message)
    {
    }

    public TableConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal TableConflictException(Response response)
        : base(response, null, StorageErrorParser.Instance)
    {
    }
}

/// <summary>An entity group transaction was rejected; nothing in it was applied.</summary>
public sealed class TableTransactionFailedException : RequestFailedException
{
    public TableTransactionFailedException()
        : base("The table transaction failed.")
    {
    }

    public TableTransactionFailedException(string message)
        : base(message)
    {
    }

    public TableTransactionFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal TableTransactionFailedException(int status, string message, string? errorCode, int? failedTransactionActionIndex)
        : base(status, message, errorCode, null)
    {
        FailedTransactionActionIndex = failedTransactionActionIndex;
    }

    /// <summary>The zero-based index of the action the service rejected, when it said which.</summary>
    public int? FailedTransactionActionIndex { get; }

    /// <summary>True for 409 and 412: the transaction lost a concurrency race and may be retried after a re-read.</summary>
    public bool IsConflict => Status is 409 or 412;
}
