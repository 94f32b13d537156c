using System.Collections;
using System.Text;

namespace Vigil.Domain.Labels;

/// <summary>One label: a name (<c>[a-zA-Z_][a-zA-Z0-9_]*</c>) and a value.</summary>
public readonly record struct Label(string Name, string Value);

/// <summary>
/// An immutable set of labels sorted by name (names unique), with a stable 64-bit fingerprint: the identity of
/// a series (with its metric name as the <c>__name__</c> label), an alert instance or an alert group.
/// </summary>
public sealed class LabelSet : IReadOnlyList<Label>, IEquatable<LabelSet>
{
    public const string MetricNameLabel = "__name__";

    public static readonly LabelSet Empty = new([]);

    private readonly Label[] _labels;
    private ulong? _fingerprint;

    private LabelSet(Label[] sortedUnique) => _labels = sortedUnique;

    public int Count => _labels.Length;

    public Label this[int index] => _labels[index];

    /// <summary>Builds a set; throws <see cref="ArgumentException"/> on a duplicate name.</summary>
    public static LabelSet From(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var array = labels.Select(l => new Label(l.Key, l.Value)).ToArray();
        Array.Sort(array, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (var i = 1; i < array.Length; i++)
        {
            if (array[i].Name == array[i - 1].Name)
            {
                throw new ArgumentException($"Label '{array[i].Name}' appears twice.", nameof(labels));
            }
        }

        return array.Length == 0 ? Empty : new LabelSet(array);
    }

    public static LabelSet From(params (string Name, string Value)[] labels) =>
        From(labels.Select(l => new KeyValuePair<string, string>(l.Name, l.Value)));

    public string? Get(string name)
    {
        var index = IndexOf(name);
        return index >= 0 ? _labels[index].Value : null;
    }

    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="value"/> (an empty value removes it).</summary>
    public LabelSet With(string name, string value)
    {
        var list = _labels.Where(l => l.Name != name).ToList();
        if (value.Length > 0)
        {
            list.Add(new Label(name, value));
        }

        return From(list.Select(l => new KeyValuePair<string, string>(l.Name, l.Value)));
    }

    /// <summary>A copy with every label of <paramref name="other"/> set (other wins).</summary>
    public LabelSet Merge(LabelSet other)
    {
        if (other.Count == 0)
        {
            return this;
        }

        var merged = _labels.ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal);
        foreach (var label in other)
        {
            merged[label.Name] = label.Value;
        }

        return From(merged);
    }

    /// <summary>Only the named labels (missing ones are left out).</summary>
    public LabelSet Only(IEnumerable<string> names)
    {
        var wanted = names as ISet<string> ?? new HashSet<string>(names, StringComparer.Ordinal);
        return new LabelSet(_labels.Where(l => wanted.Contains(l.Name)).ToArray());
    }

    /// <summary>All labels but the named ones.</summary>
    public LabelSet Without(IEnumerable<string> names)
    {
        var unwanted = names as ISet<string> ?? new HashSet<string>(names, StringComparer.Ordinal);
        return new LabelSet(_labels.Where(l => !unwanted.Contains(l.Name)).ToArray());
    }

    /// <summary>FNV-1a 64 over name, 0xFF, value, 0xFF for each label in order: stable across processes and versions.</summary>
    public ulong Fingerprint => _fingerprint ??= ComputeFingerprint(_labels);

    /// <summary>The fingerprint as 16 lowercase hex digits (used in table keys and ids).</summary>
    public string FingerprintHex => Fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public IReadOnlyDictionary<string, string> ToDictionary() => _labels.ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal);

    public IEnumerator<Label> GetEnumerator() => ((IEnumerable<Label>)_labels).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _labels.GetEnumerator();

    public bool Equals(LabelSet? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        for (var i = 0; i < _labels.Length; i++)
        {
            if (_labels[i] != other._labels[i])
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is LabelSet other && Equals(other);

    public override int GetHashCode() => (int)(Fingerprint ^ (Fingerprint >> 32));

    /// <summary>Prometheus notation: <c>{a="1", b="x\"y"}</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder("{");
        for (var i = 0; i < _labels.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            builder.Append(_labels[i].Name).Append("=\"")
                .Append(_labels[i].Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
                .Append('"');
        }

        return builder.Append('}').ToString();
    }

    private int IndexOf(string name)
    {
        int low = 0, high = _labels.Length - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var comparison = string.CompareOrdinal(_labels[mid].Name, name);
            if (comparison == 0)
            {
                return mid;
            }

            if (comparison < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return -1;
    }

    private static ulong ComputeFingerprint(Label[] labels)
    {
        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var hash = offset;
        Span<byte> buffer = stackalloc byte[256];
        foreach (var label in labels)
        {
            hash = Mix(hash, label.Name, buffer);
            hash = (hash ^ 0xFF) * prime;
            hash = Mix(hash, label.Value, buffer);
            hash = (hash ^ 0xFF) * prime;
        }

        return hash;

        static ulong Mix(ulong hash, string text, Span<byte> buffer)
        {
            var bytes = Encoding.UTF8.GetMaxByteCount(text.Length) <= buffer.Length ? buffer : new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
            var written = Encoding.UTF8.GetBytes(text, bytes);
            foreach (var b in bytes[..written])
            {
                hash = (hash ^ b) * prime;
            }

            return hash;
        }
    }

    public static bool operator ==(LabelSet? left, LabelSet? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(LabelSet? left, LabelSet? right) => !(left == right);
}
