namespace Vigil.Domain.Metrics.Ingest;

/// <summary>One rejected item: where (<c>samples[3]</c>, <c>line 12</c>), which field, and why.</summary>
public sealed record IngestError(string Item, string? Field, string Reason, int? Line = null);

/// <summary>Why a whole request cannot be taken, whatever <c>?partial=true</c> says.</summary>
public enum IngestFailureKind
{
    /// <summary>The body is not a document of the format at all (400).</summary>
    Malformed,

    /// <summary>A size or count limit of the whole request (413).</summary>
    TooLarge,
}

/// <summary>A request-level failure: nothing from the request may be accepted.</summary>
public sealed record IngestFailure(IngestFailureKind Kind, IngestError Error);
