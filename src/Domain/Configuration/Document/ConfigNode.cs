using System.Globalization;
using System.Text;

namespace Vigil.Domain.Configuration.Document;

/// <summary>Where a node starts in the source text (1-based line and column).</summary>
public readonly record struct SourceMark(int Line, int Column)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"line {Line}, column {Column}");
}

/// <summary>
/// A node of a configuration document (YAML or JSON) that remembers where it came from, so every validation
/// error can name its line. Three kinds: mappings, sequences and scalars.
/// </summary>
public abstract class ConfigNode
{
    protected ConfigNode(SourceMark mark) => Mark = mark;

    public SourceMark Mark { get; }

    /// <summary>What the node is, for error messages: "a mapping", "a list", "the number 5", "null".</summary>
    public abstract string Describe();

    /// <summary>
    /// A compact, canonical JSON text of the node (mapping keys sorted, scalars as their text; numbers, booleans
    /// and null unquoted): equal for documents that differ only in layout, comments, quoting or key order.
    /// </summary>
    public string ToCanonicalJson()
    {
        var builder = new StringBuilder();
        WriteCanonical(builder);
        return builder.ToString();
    }

    internal abstract void WriteCanonical(StringBuilder builder);

    internal static void WriteJsonString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}

/// <summary>A key and its value in a mapping; the key keeps its own position.</summary>
public sealed record ConfigEntry(ConfigScalar Key, ConfigNode Value);

/// <summary>A mapping (YAML block or flow mapping, JSON object); keys are unique (duplicates are a parse error).</summary>
public sealed class ConfigMapping : ConfigNode
{
    private readonly Dictionary<string, ConfigEntry> _byKey;

    public ConfigMapping(SourceMark mark, IReadOnlyList<ConfigEntry> entries)
        : base(mark)
    {
        Entries = entries;
        _byKey = new Dictionary<string, ConfigEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            _byKey.TryAdd(entry.Key.Text, entry);
        }
    }

    /// <summary>Entries in document order.</summary>
    public IReadOnlyList<ConfigEntry> Entries { get; }

    public ConfigNode? Get(string key) => _byKey.TryGetValue(key, out var entry) ? entry.Value : null;

    public ConfigEntry? GetEntry(string key) => _byKey.TryGetValue(key, out var entry) ? entry : null;

    public bool Contains(string key) => _byKey.ContainsKey(key);

    public override string Describe() => "a mapping";

    internal override void WriteCanonical(StringBuilder builder)
    {
        builder.Append('{');
        var first = true;
        foreach (var entry in Entries.OrderBy(e => e.Key.Text, StringComparer.Ordinal))
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            WriteJsonString(builder, entry.Key.Text);
            builder.Append(':');
            entry.Value.WriteCanonical(builder);
        }

        builder.Append('}');
    }
}

/// <summary>A sequence (YAML list, JSON array).</summary>
public sealed class ConfigSequence : ConfigNode
{
    public ConfigSequence(SourceMark mark, IReadOnlyList<ConfigNode> items)
        : base(mark) => Items = items;

    public IReadOnlyList<ConfigNode> Items { get; }

    public override string Describe() => "a list";

    internal override void WriteCanonical(StringBuilder builder)
    {
        builder.Append('[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            Items[i].WriteCanonical(builder);
        }

        builder.Append(']');
    }
}

/// <summary>How a scalar resolves under the YAML 1.2 core schema (which JSON also follows).</summary>
public enum ScalarKind
{
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>
/// A scalar with its source text. A quoted scalar is always a string (<c>"5"</c> is not a number); a plain one
/// resolves by the YAML 1.2 core schema: <c>null ~</c> (or nothing) is null, <c>true false</c> booleans,
/// numbers numbers, anything else a string.
/// </summary>
public sealed class ConfigScalar : ConfigNode
{
    public ConfigScalar(SourceMark mark, string text, bool quoted)
        : base(mark)
    {
        Text = text;
        Quoted = quoted;
        Kind = quoted ? ScalarKind.String : Resolve(text);
    }

    public string Text { get; }

    public bool Quoted { get; }

    public ScalarKind Kind { get; }

    public bool IsNull => Kind == ScalarKind.Null;

    public bool TryGetNumber(out double value)
    {
        value = 0;
        return Kind == ScalarKind.Number && TryParseNumber(Text, out value);
    }

    public bool TryGetBoolean(out bool value)
    {
        value = Kind == ScalarKind.Boolean && Text.Equals("true", StringComparison.OrdinalIgnoreCase);
        return Kind == ScalarKind.Boolean;
    }

    public override string Describe() => Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Boolean => $"the boolean {Text}",
        ScalarKind.Number => $"the number {Text}",
        _ => $"the string \"{Shorten(Text)}\"",
    };

    internal override void WriteCanonical(StringBuilder builder)
    {
        switch (Kind)
        {
            case ScalarKind.Null:
                builder.Append("null");
                break;
            case ScalarKind.Boolean:
                builder.Append(Text.ToLowerInvariant());
                break;
            case ScalarKind.Number:
                builder.Append(TryParseNumber(Text, out var number) ? number.ToString("R", CultureInfo.InvariantCulture) : "0");
                break;
            default:
                WriteJsonString(builder, Text);
                break;
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static ScalarKind Resolve(string text)
    {
        if (text.Length == 0 || text is "~" or "null" or "Null" or "NULL")
        {
            return ScalarKind.Null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return ScalarKind.Boolean;
        }

        return TryParseNumber(text, out _) ? ScalarKind.Number : ScalarKind.String;
    }

    private static bool TryParseNumber(string text, out double value)
    {
        value = 0;
        var first = text[0];
        if (!(char.IsAsciiDigit(first) || first is '-' or '+' or '.'))
        {
            return false;
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) || text.StartsWith("0o", StringComparison.Ordinal))
        {
            return false; // legal YAML ints, but nobody writes thresholds that way: treat as strings, so errors say so
        }

        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }
}
