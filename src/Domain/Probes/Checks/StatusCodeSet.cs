using System.Globalization;

namespace Vigil.Domain.Probes.Checks;

/// <summary>
/// The HTTP status codes a probe accepts: codes (<c>200</c>), classes (<c>2xx</c>) and ranges (<c>200-399</c>).
/// </summary>
public sealed class StatusCodeSet
{
    public static readonly StatusCodeSet Success = new([(200, 299)], ["2xx"]);

    private readonly (int Low, int High)[] _ranges;

    private StatusCodeSet((int Low, int High)[] ranges, IReadOnlyList<string> items)
    {
        _ranges = ranges;
        Items = items;
    }

    /// <summary>The items as written.</summary>
    public IReadOnlyList<string> Items { get; }

    public bool Contains(int status) => _ranges.Any(r => status >= r.Low && status <= r.High);

    public override string ToString() => string.Join(", ", Items);

    /// <summary>Parses the items; on the first bad one returns false with its index and the reason.</summary>
    public static bool TryParse(IReadOnlyList<string> items, out StatusCodeSet set, out int badIndex, out string reason)
    {
        set = Success;
        var ranges = new List<(int, int)>();
        for (var i = 0; i < items.Count; i++)
        {
            if (!TryParseItem(items[i].Trim(), out var range, out reason))
            {
                badIndex = i;
                return false;
            }

            ranges.Add(range);
        }

        badIndex = -1;
        reason = string.Empty;
        if (ranges.Count == 0)
        {
            reason = "The list is empty; give at least one status code, class (2xx) or range (200-399).";
            return false;
        }

        set = new StatusCodeSet([.. ranges], [.. items.Select(i => i.Trim())]);
        return true;
    }

    private static bool TryParseItem(string item, out (int Low, int High) range, out string reason)
    {
        range = default;
        reason = string.Empty;
        if (item.Length == 3 && item[0] is >= '1' and <= '5' && item[1..].Equals("xx", StringComparison.OrdinalIgnoreCase))
        {
            var low = (item[0] - '0') * 100;
            range = (low, low + 99);
            return true;
        }

        var dash = item.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            if (!TryParseCode(item[..dash], out var low) || !TryParseCode(item[(dash + 1)..], out var high))
            {
                reason = $"'{item}' is not a range of status codes such as 200-399 (codes are 100 to 599).";
                return false;
            }

            if (low > high)
            {
                reason = $"'{item}' is an empty range: {low} is above {high}.";
                return false;
            }

            range = (low, high);
            return true;
        }

        if (!TryParseCode(item, out var code))
        {
            reason = $"'{item}' is not a status code (200), a class (2xx) or a range (200-399); codes are 100 to 599.";
            return false;
        }

        range = (code, code);
        return true;
    }

    private static bool TryParseCode(string text, out int code) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out code) && text.Length == 3 && code is >= 100 and <= 599;
}
