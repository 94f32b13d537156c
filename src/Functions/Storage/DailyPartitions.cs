using System.Globalization;
using Azure;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Storage;

/// <summary>
/// Logs kept one partition per UTC day, newest day first (the partition key counts down, so a scan from the start
/// reads the newest days first), with retention by whole days: the alert history and the delivery attempt log.
/// </summary>
public static class DailyPartitions
{
    /// <summary>The partition key of the UTC day of <paramref name="time"/>.</summary>
    public static string For(DateTimeOffset time)
    {
        var day = int.Parse(time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return (99_999_999 - day).ToString("D8", CultureInfo.InvariantCulture);
    }

    /// <summary>Deletes the rows of the days before the day of <paramref name="keepSince"/>, at most <paramref name="maxRows"/>; returns how many went.</summary>
    public static async Task<int> PruneAsync(TableClient table, DateTimeOffset keepSince, int maxRows, CancellationToken cancellationToken)
    {
        var deleted = 0;
        await foreach (var entity in table.QueryAsync(TableFilter.Create($"PartitionKey gt {For(keepSince)}"), 1000, ["PartitionKey", "RowKey"], cancellationToken))
        {
            await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, cancellationToken);
            if (++deleted >= maxRows)
            {
                break;
            }
        }

        return deleted;
    }
}
