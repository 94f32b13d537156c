using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vigil.Domain.Probes.Checks;

/// <summary>
/// The JSON path subset a probe's equality check needs: <c>$</c>, then member steps <c>.name</c> or
/// <c>['name']</c> / <c>["name"]</c> and array steps <c>[0]</c> (<c>[-1]</c> is the last element).
/// No wildcards, filters or recursive descent: a check compares one value.
/// </summary>
public sealed class JsonPath
{
    private readonly IReadOnlyList<object> _steps; // string (member) or int (index)

    private JsonPath(string text, IReadOnlyList<object> steps)
    {
        Text = text;
        _steps = steps;
    }

    public string Text { get; }

    public override string ToString() => Text;

    public static bool TryParse(string text, out JsonPath path, out string error)
    {
        path = null!;
        error = string.Empty;
        if (text.Length == 0 || text[0] != '$')
        {
            error = $"'{text}' is not a JSON path: start with $ (e.g. $.checks.database.status).";
            return false;
        }

        var steps = new List<object>();
        var i = 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '.')
            {
                var start = ++i;
                while (i < text.Length && text[i] is not ('.' or '['))
                {
                    i++;
                }

                if (i == start)
                {
                    error = Where(text, start, "a member name is missing after '.'");
                    return false;
                }

                var name = text[start..i];
                if (name.Contains('*', StringComparison.Ordinal))
                {
                    error = Where(text, start, "wildcards are not supported: a check compares one value");
                    return false;
                }

                steps.Add(name);
            }
            else if (c == '[')
            {
                if (!TryReadBracket(text, ref i, steps, out error))
                {
                    return false;
                }
            }
            else
            {
                error = Where(text, i, $"expected '.' or '[', found '{c}'");
                return false;
            }
        }

        path = new JsonPath(text, steps);
        return true;
    }

    /// <summary>The value the path points at, or null when a step does not exist.</summary>
    public JsonElement? Select(JsonElement root)
    {
        var current = root;
        foreach (var step in _steps)
        {
            if (step is string name)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out var next))
                {
                    return null;
                }

                current = next;
            }
            else
            {
                var index = (int)step;
                if (current.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                var length = current.GetArrayLength();
                var at = index < 0 ? length + index : index;
                if (at < 0 || at >= length)
                {
                    return null;
                }

                current = current[at];
            }
        }

        return current;
    }

    private static bool TryReadBracket(string text, ref int i, List<object> steps, out string error)
    {
        error = string.Empty;
        var open = i++;
        if (i < text.Length && text[i] is '\'' or '"')
        {
            var quote = text[i++];
            var name = new StringBuilder();
            while (i < text.Length && text[i] != quote)
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                {
                    i++;
                }

                name.Append(text[i++]);
            }

            if (i + 1 >= text.Length || text[i + 1] != ']')
            {
                error = Where(text, open, $"the member name opened here is not closed with {quote}]");
                return false;
            }

            i += 2;
            steps.Add(name.ToString());
            return true;
        }

        var close = text.IndexOf(']', i);
        if (close < 0)
        {
            error = Where(text, open, "'[' is not closed");
            return false;
        }

        var inside = text[i..close];
        if (!int.TryParse(inside, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            error = Where(text, open, $"'[{inside}]' is not an array index or a quoted member name (use [0] or ['name']; wildcards and filters are not supported)");
            return false;
        }

        steps.Add(index);
        i = close + 1;
        return true;
    }

    private static string Where(string text, int position, string reason) =>
        string.Create(CultureInfo.InvariantCulture, $"'{text}' is not a supported JSON path at character {position + 1}: {reason}.");
}
