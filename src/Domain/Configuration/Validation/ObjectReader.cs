using System.Globalization;
using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Labels;
using Vigil.Domain.Time;

namespace Vigil.Domain.Configuration.Validation;

/// <summary>
/// Reads the values of one mapping with their types checked; every problem becomes an error with the value's
/// path and line, and the getter returns null so the reader can go on and find the next problem.
/// </summary>
public sealed class ObjectReader
{
    private readonly ValidationContext _context;

    internal ObjectReader(ValidationContext context, ConfigMapping mapping, string path, string what)
    {
        _context = context;
        Mapping = mapping;
        Path = path;
        What = what;
    }

    public ConfigMapping Mapping { get; }

    public string Path { get; }

    /// <summary>What the object is, for messages ("a rule", "the thresholds").</summary>
    public string What { get; }

    public ValidationContext Context => _context;

    public string PathOf(string key) => ConfigPath.Child(Path, key);

    public bool Has(string key) => Mapping.Get(key) is { } node && node is not ConfigScalar { IsNull: true };

    /// <summary>The raw node of a key (null when absent or written as null).</summary>
    public ConfigNode? Node(string key) => Has(key) ? Mapping.Get(key) : null;

    public void Error(string key, string reason) => _context.Error(PathOf(key), Mapping.Get(key) ?? (ConfigNode)Mapping, reason);

    /// <summary>An error about the key itself (it does not belong, it conflicts), reported at the key's position.</summary>
    public void ErrorAtKey(string key, string reason) =>
        _context.Error(PathOf(key), (ConfigNode?)Mapping.GetEntry(key)?.Key ?? Mapping, reason);

    /// <summary>Reports that a required key is missing.</summary>
    public void Missing(string key, string hint) =>
        _context.Error(PathOf(key), Mapping, $"{Capitalize(What)} needs '{key}': {hint}.");

    public string? String(string key, bool required = false, string? hint = null)
    {
        if (!Present(key, required, hint ?? "a text value"))
        {
            return null;
        }

        var node = Mapping.Get(key)!;
        if (node is not ConfigScalar scalar)
        {
            _context.Error(PathOf(key), node, $"Expected a text value, found {node.Describe()}.");
            return null;
        }

        if (scalar.Text.Length == 0)
        {
            _context.Error(PathOf(key), node, "The value is empty.");
            return null;
        }

        return scalar.Text;
    }

    /// <summary>A name (letters, digits, <c>_ - . :</c>, starting with a letter).</summary>
    public string? Name(string key, bool required = false, string? hint = null)
    {
        var text = String(key, required, hint ?? "a name such as api-health");
        if (text is not null && !ValidationContext.IsValidObjectName(text))
        {
            Error(key, $"'{text}' is not a valid name: start with a letter, then letters, digits, '_', '-', '.' or ':' (at most 100 characters).");
            return null;
        }

        return text;
    }

    public double? Number(string key, bool required = false, double? min = null, double? max = null)
    {
        if (!Present(key, required, "a number"))
        {
            return null;
        }

        var node = Mapping.Get(key)!;
        if (node is not ConfigScalar scalar || !scalar.TryGetNumber(out var value))
        {
            _context.Error(PathOf(key), node, $"Expected a number, found {node.Describe()}.");
            return null;
        }

        return CheckRange(key, node, value, min, max) ? value : null;
    }

    public int? Integer(string key, bool required = false, int? min = null, int? max = null)
    {
        if (!Present(key, required, "a whole number"))
        {
            return null;
        }

        var node = Mapping.Get(key)!;
        if (node is not ConfigScalar scalar || !scalar.TryGetNumber(out var value) || value != Math.Floor(value) || Math.Abs(value) > int.MaxValue)
        {
            _context.Error(PathOf(key), node, $"Expected a whole number, found {node.Describe()}.");
            return null;
        }

        return CheckRange(key, node, value, min, max) ? (int)value : null;
    }

    public bool? Boolean(string key)
    {
        if (!Present(key, false, "true or false"))
        {
            return null;
        }

        var node = Mapping.Get(key)!;
        if (node is not ConfigScalar scalar || !scalar.TryGetBoolean(out var value))
        {
            _context.Error(PathOf(key), node, $"Expected true or false, found {node.Describe()}.");
            return null;
        }

        return value;
    }

    /// <summary>A duration such as <c>30s</c>, <c>5m</c>, <c>1h30m</c>, within the given bounds.</summary>
    public TimeSpan? Duration(string key, bool required = false, TimeSpan? min = null, TimeSpan? max = null)
    {
        if (!Present(key, required, "a duration such as 30s, 5m or 1h30m"))
        {
            return null;
        }

        var node = Mapping.Get(key)!;
        if (node is not ConfigScalar scalar || scalar.Kind is ScalarKind.Boolean)
        {
            _context.Error(PathOf(key), node, $"Expected a duration such as 30s, 5m or 1h30m, found {node.Describe()}.");
            return null;
        }

        if (!DurationText.TryParse(scalar.Text, out var duration))
        {
            var hint = scalar.Kind == ScalarKind.Number ? " (a bare number has no unit: write 30s or 5m)" : string.Empty;
            _context.Error(PathOf(key), node, $"'{scalar.Text}' is not a duration{hint}; use a number with a unit, units in order: w, d, h, m, s, ms (30s, 5m, 1h30m, 7d).");
            return null;
        }

        if (min is { } low && duration < low)
        {
            _context.Error(PathOf(key), node, $"{scalar.Text} is too short: at least {DurationText.Format(low)}.");
            return null;
        }

        if (max is { } high && duration > high)
        {
            _context.Error(PathOf(key), node, $"{scalar.Text} is too long: at most {DurationText.Format(high)}.");
            return null;
        }

        return duration;
    }

    /// <summary>One of a closed set of words (case-sensitive, as written in the docs).</summary>
    public string? OneOf(string key, IReadOnlyList<string> allowed, bool required = false)
    {
        var text = String(key, required, "one of " + string.Join(", ", allowed));
        if (text is not null && !allowed.Contains(text, StringComparer.Ordinal))
        {
            Error(key, $"'{text}' is not allowed here; use one of: {string.Join(", ", allowed)}.");
            return null;
        }

        return text;
    }

    /// <summary>A list of text values (a single value is not promoted to a list: the error says so).</summary>
    public IReadOnlyList<(string Value, ConfigNode Node, string Path)>? StringList(string key, bool required = false)
    {
        if (!Present(key, required, "a list of text values"))
        {
            return null;
        }

        var node = Mapping.Get(key)!;
        if (node is not ConfigSequence sequence)
        {
            _context.Error(PathOf(key), node, $"Expected a list such as [a, b], found {node.Describe()}.");
            return null;
        }

        var result = new List<(string, ConfigNode, string)>();
        var ok = true;
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var item = sequence.Items[i];
            var path = ConfigPath.Item(PathOf(key), i);
            if (item is not ConfigScalar { Kind: not ScalarKind.Null } scalar || scalar.Text.Length == 0)
            {
                _context.Error(path, item, $"Expected a text value, found {item.Describe()}.");
                ok = false;
                continue;
            }

            result.Add((scalar.Text, item, path));
        }

        return ok ? result : null;
    }

    /// <summary>A list of label names, each valid and listed once.</summary>
    public IReadOnlyList<string>? LabelNameList(string key)
    {
        var items = StringList(key);
        if (items is null)
        {
            return null;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var (value, node, path) in items)
        {
            if (!LabelNames.IsValid(value) || value.StartsWith("__", StringComparison.Ordinal))
            {
                _context.Error(path, node, $"'{value}' is not a label name: use letters, digits and '_', not starting with a digit or '__'.");
                ok = false;
            }
            else if (!seen.Add(value))
            {
                _context.Error(path, node, $"'{value}' is listed twice.");
                ok = false;
            }
        }

        return ok ? [.. items.Select(i => i.Value)] : null;
    }

    /// <summary>A mapping of label names to text values (<c>{ team: api }</c>).</summary>
    public IReadOnlyList<(string Name, string Value, ConfigNode Node, string Path)>? StringMap(string key, bool labelNames = true)
    {
        if (!Present(key, false, "a mapping"))
        {
            return null;
        }

        var node = Mapping.Get(key)!;
        if (node is not ConfigMapping mapping)
        {
            _context.Error(PathOf(key), node, $"Expected a mapping such as {{ name: value }}, found {node.Describe()}.");
            return null;
        }

        var result = new List<(string, string, ConfigNode, string)>();
        var ok = true;
        foreach (var entry in mapping.Entries)
        {
            var path = ConfigPath.Child(PathOf(key), entry.Key.Text);
            if (labelNames && (!LabelNames.IsValid(entry.Key.Text) || entry.Key.Text.StartsWith("__", StringComparison.Ordinal)))
            {
                _context.Error(path, entry.Key, $"'{entry.Key.Text}' is not a label name: use letters, digits and '_', not starting with a digit or '__'.");
                ok = false;
                continue;
            }

            if (entry.Value is not ConfigScalar scalar || scalar.IsNull)
            {
                _context.Error(path, entry.Value, $"Expected a text value, found {entry.Value.Describe()}.");
                ok = false;
                continue;
            }

            result.Add((entry.Key.Text, scalar.Text, entry.Value, path));
        }

        return ok ? result : null;
    }

    /// <summary>
    /// A map of label matchers, as in rules' <c>match</c>: a value (equality) or <c>=~regex</c>, <c>!~regex</c>,
    /// <c>!=value</c> (<c>{ status: "=~5..", env: prod }</c>). Empty when absent; null (with errors) when invalid.
    /// </summary>
    public List<LabelMatcher>? Matchers(string key)
    {
        var map = StringMap(key);
        if (map is null)
        {
            return Has(key) ? null : [];
        }

        var matchers = new List<LabelMatcher>();
        var ok = true;
        foreach (var (name, value, node, path) in map)
        {
            try
            {
                matchers.Add(LabelMatcher.ParseValue(name, value));
            }
            catch (FormatException ex)
            {
                _context.Error(path, node, ex.Message + " (matchers are a value, or =~regex, !~regex, !=value).");
                ok = false;
            }
        }

        return ok ? matchers : null;
    }

    /// <summary>A nested object of the given shape.</summary>
    public ObjectReader? Object(string key, ConfigShape shape, string what, bool required = false)
    {
        if (!Present(key, required, what))
        {
            return null;
        }

        return _context.Object(Mapping.Get(key), PathOf(key), shape, what);
    }

    private bool Present(string key, bool required, string hint)
    {
        if (Has(key))
        {
            return true;
        }

        if (required)
        {
            Missing(key, hint);
        }

        return false;
    }

    private bool CheckRange(string key, ConfigNode node, double value, double? min, double? max)
    {
        if (min is { } low && value < low)
        {
            _context.Error(PathOf(key), node, string.Create(CultureInfo.InvariantCulture, $"{value} is too small: at least {low}."));
            return false;
        }

        if (max is { } high && value > high)
        {
            _context.Error(PathOf(key), node, string.Create(CultureInfo.InvariantCulture, $"{value} is too large: at most {high}."));
            return false;
        }

        return true;
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
