using Azure;

namespace Vigil.Storage.Pipeline;

/// <summary>An <see cref="AsyncPageable{T}"/> that fetches page after page until the continuation token runs out.</summary>
internal sealed class FuncAsyncPageable<T>(
    Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage,
    CancellationToken cancellationToken) : AsyncPageable<T>(cancellationToken)
    where T : notnull
{
    public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        do
        {
            var page = await fetchPage(continuationToken, pageSizeHint, CancellationToken);
            yield return page;
            continuationToken = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(continuationToken));
    }
}
