using System.Globalization;
using NodaTime;
using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Configuration.Sections;
using Vigil.Domain.Configuration.Validation;

namespace Vigil.Domain.Notifications.TimeIntervals;

/// <summary>
/// Reads <c>muteTimes</c>: named recurring intervals that routes refer to (<c>muteTimes: [name]</c> holds
/// notifications inside them, <c>activeTimes: [name]</c> outside them). A mute time gives its fields directly
/// (<c>weekdays</c>, <c>times</c>, <c>daysOfMonth</c>, <c>months</c>, <c>years</c>) or several sets of them under
/// <c>intervals</c>; <c>location</c> is an IANA time zone (default UTC).
/// </summary>
public sealed class MuteTimesSection : IConfigSection
{
    public static readonly ConfigShape MuteTimeShape = new("muteTime", "name", "weekdays", "times", "daysOfMonth", "months", "years", "location", "intervals");
    public static readonly ConfigShape IntervalShape = new("timeInterval", "weekdays", "times", "daysOfMonth", "months", "years");
    public static readonly ConfigShape TimeRangeShape = new("timeRange", "start", "end");

    private static readonly string[] SpecKeys = ["weekdays", "times", "daysOfMonth", "months", "years"];
    private static readonly string[] WeekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    private static readonly string[] MonthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    public string Key => "muteTimes";

    public int Order => 15;

    public void Read(ConfigNode node, ValidationContext context, ConfigBuilder builder)
    {
        var items = context.List(node, Key, "mute times");
        foreach (var (itemNode, path) in items ?? [])
        {
            var errorsBefore = context.Errors.Count;
            var reader = context.Object(itemNode, path, MuteTimeShape, "a mute time");
            if (reader is null)
            {
                continue;
            }

            var name = reader.Name("name", required: true, hint: "a name such as weekend-maintenance");
            var zone = ReadZone(reader);
            var specs = new List<TimeSpec>();
            var direct = SpecKeys.Where(reader.Mapping.Contains).ToList();
            if (reader.Mapping.Contains("intervals"))
            {
                if (direct.Count > 0)
                {
                    reader.ErrorAtKey(direct[0], "Give the fields either directly or under intervals, not both.");
                }

                var list = context.List(reader.Mapping.Get("intervals"), reader.PathOf("intervals"), "intervals");
                foreach (var (intervalNode, intervalPath) in list ?? [])
                {
                    if (context.Object(intervalNode, intervalPath, IntervalShape, "an interval") is { } interval && ReadSpec(interval) is { } spec)
                    {
                        specs.Add(spec);
                    }
                }

                if (list is { Count: 0 })
                {
                    reader.Error("intervals", "Give at least one interval.");
                }
            }
            else if (direct.Count == 0)
            {
                reader.Missing("times", "a mute time needs at least one of weekdays, times, daysOfMonth, months, years (or intervals)");
            }
            else if (ReadSpec(reader) is { } spec)
            {
                specs.Add(spec);
            }

            if (name is null || !context.DeclareName("mute time", name, reader.PathOf("name"), reader.Mapping.Get("name")!))
            {
                continue;
            }

            builder.AddObject("muteTime", name, itemNode);
            if (zone is not null && context.Errors.Count == errorsBefore)
            {
                builder.Notifications.MuteTimes.Add(new TimeInterval(name, zone, specs));
            }
        }
    }

    private static DateTimeZone? ReadZone(ObjectReader reader)
    {
        var location = reader.String("location");
        if (location is null)
        {
            return reader.Has("location") ? null : DateTimeZone.Utc;
        }

        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(location);
        if (zone is null)
        {
            reader.Error("location", $"'{location}' is not a time zone of the IANA tz database; use a name such as Europe/Berlin, America/New_York or UTC.");
        }

        return zone;
    }

    private static TimeSpec? ReadSpec(ObjectReader reader)
    {
        var ok = true;
        var times = ReadTimes(reader, ref ok);
        var weekdays = ReadRanges(reader, "weekdays", WeekdayNames, 1, 7, allowNegative: false, ref ok);
        var days = ReadRanges(reader, "daysOfMonth", null, 1, 31, allowNegative: true, ref ok);
        var months = ReadRanges(reader, "months", MonthNames, 1, 12, allowNegative: false, ref ok);
        var years = ReadRanges(reader, "years", null, 1970, 9999, allowNegative: false, ref ok);
        return ok ? new TimeSpec(times, weekdays, days, months, years) : null;
    }

    private static List<MinuteRange> ReadTimes(ObjectReader reader, ref bool ok)
    {
        var result = new List<MinuteRange>();
        var items = reader.Context.List(reader.Node("times"), reader.PathOf("times"), "time ranges");
        if (items is null)
        {
            ok = false;
            return result;
        }

        foreach (var (node, path) in items)
        {
            var range = reader.Context.Object(node, path, TimeRangeShape, "a time range such as { start: \"02:00\", end: \"04:00\" }");
            if (range is null)
            {
                ok = false;
                continue;
            }

            var start = ReadClock(range, "start");
            var end = ReadClock(range, "end");
            if (start is null || end is null)
            {
                ok = false;
                continue;
            }

            if (end <= start)
            {
                range.Error("end", $"end ({range.String("end")}) must be after start ({range.String("start")}); a range that crosses midnight is two ranges (start to 24:00, 00:00 to end).");
                ok = false;
                continue;
            }

            result.Add(new MinuteRange(start.Value, end.Value));
        }

        return result;
    }

    private static int? ReadClock(ObjectReader range, string key)
    {
        var text = range.String(key, required: true, hint: "a time of day such as \"02:00\"");
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(':');
        if (parts.Length == 2 && parts[0].Length == 2 && parts[1].Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            && minutes < 60 && (hours < 24 || (hours == 24 && minutes == 0)))
        {
            return (hours * 60) + minutes;
        }

        range.Error(key, $"'{text}' is not a time of day: write HH:MM from 00:00 to 24:00 (in quotes).");
        return null;
    }

    private static List<IntRange> ReadRanges(ObjectReader reader, string key, string[]? names, int min, int max, bool allowNegative, ref bool ok)
    {
        var result = new List<IntRange>();
        if (!reader.Has(key))
        {
            return result;
        }

        var node = reader.Node(key)!;
        if (node is not ConfigSequence sequence)
        {
            reader.Error(key, $"Expected a list such as [{Example(key)}], found {node.Describe()}.");
            ok = false;
            return result;
        }

        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var item = sequence.Items[i];
            var path = ConfigPath.Item(reader.PathOf(key), i);
            var text = item is ConfigScalar { IsNull: false } scalar ? scalar.Text.Trim() : null;
            var bounds = text?.Split(':');
            int? start = null, end = null;
            if (bounds is { Length: 1 or 2 })
            {
                start = Value(bounds[0]);
                end = bounds.Length == 2 ? Value(bounds[1]) : start;
            }

            if (start is null || end is null)
            {
                reader.Context.Error(path, item, $"{(text is null ? item.Describe() : "'" + text + "'")} is not a valid {Singular(key)} or range; write e.g. {Example(key)}.");
                ok = false;
                continue;
            }

            if (start > end && (start < 0) == (end < 0))
            {
                reader.Context.Error(path, item, $"'{text}': the range ends before it starts.");
                ok = false;
                continue;
            }

            result.Add(new IntRange(start.Value, end.Value));
        }

        return result;

        int? Value(string part)
        {
            part = part.Trim();
            if (names is not null)
            {
                var index = Array.IndexOf(names, part.ToLowerInvariant());
                if (index >= 0)
                {
                    return index + 1;
                }
            }

            if (!int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            if (allowNegative && number < 0 && number >= -max)
            {
                return number;
            }

            return number >= min && number <= max && (names is null || key == "months") ? number : null;
        }
    }

    private static string Singular(string key) => key switch
    {
        "weekdays" => "weekday",
        "daysOfMonth" => "day of the month",
        "months" => "month",
        _ => "year",
    };

    private static string Example(string key) => key switch
    {
        "weekdays" => "saturday, \"monday:friday\"",
        "daysOfMonth" => "1, \"1:7\", -1 (the last day)",
        "months" => "january, \"6:8\"",
        _ => "2026, \"2026:2027\"",
    };
}
