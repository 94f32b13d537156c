using System.Text.RegularExpressions;
using Vigil.Domain.Configuration.Document;

namespace Vigil.Domain.Configuration.Validation;

/// <summary>
/// Collects every error of a document (never stops at the first), the names each section declares (rules,
/// probes, receivers, ...) and the references between sections, which are checked once every section is read.
/// </summary>
public sealed partial class ValidationContext
{
    private readonly List<ConfigError> _errors = [];
    private readonly Dictionary<(string Kind, string Name), (string Path, SourceMark Mark)> _names = [];
    private readonly List<PendingReference> _references = [];

    public ValidationContext(IConfigSettings? settings = null) => Settings = settings;

    /// <summary>
    /// The app settings the document may name (<c>%SLACK_WEBHOOK_URL%</c>), to check that they exist; null when the
    /// document is re-read from storage (settings are then checked when they are used).
    /// </summary>
    public IConfigSettings? Settings { get; }

    public IReadOnlyList<ConfigError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public void Error(string path, ConfigNode? node, string reason) => _errors.Add(ConfigError.At(path, node?.Mark, reason));

    public void Error(string path, SourceMark? mark, string reason) => _errors.Add(ConfigError.At(path, mark, reason));

    public void AddRange(IEnumerable<ConfigError> errors) => _errors.AddRange(errors);

    /// <summary>
    /// Declares an object name of a kind (<c>rule</c>, <c>probe</c>, ...); a second object of the same kind and
    /// name is an error naming where the first one is. Returns false for a duplicate.
    /// </summary>
    public bool DeclareName(string kind, string name, string path, ConfigNode node)
    {
        if (_names.TryGetValue((kind, name), out var first))
        {
            Error(path, node, $"Another {kind} is already named '{name}' ({first.Path}, line {first.Mark.Line}); {kind} names must be unique.");
            return false;
        }

        _names.Add((kind, name), (path, node.Mark));
        return true;
    }

    public bool IsDeclared(string kind, string name) => _names.ContainsKey((kind, name));

    public IReadOnlyList<string> DeclaredNames(string kind) =>
        [.. _names.Keys.Where(k => k.Kind == kind).Select(k => k.Name).Order(StringComparer.Ordinal)];

    /// <summary>Records that the value at <paramref name="path"/> names an object of <paramref name="kind"/>, checked by <see cref="CheckReferences"/>.</summary>
    public void Reference(string kind, string name, string path, ConfigNode node, string section) =>
        _references.Add(new PendingReference(kind, name, path, node.Mark, section));

    /// <summary>Reports every reference to a name no section declared. Call once every section has been read.</summary>
    public void CheckReferences()
    {
        foreach (var reference in _references)
        {
            if (IsDeclared(reference.Kind, reference.Name))
            {
                continue;
            }

            var known = DeclaredNames(reference.Kind);
            var hint = known.Count == 0
                ? $"no {reference.Kind} is defined (add it under {reference.Section})"
                : $"known {reference.Kind}s: {string.Join(", ", known)}";
            Error(reference.Path, reference.Mark, $"No {reference.Kind} is named '{reference.Name}' ({hint}).");
        }
    }

    /// <summary>Starts reading a mapping of the given shape; unknown keys are reported at once. Null (with an error) when the node is not a mapping.</summary>
    public ObjectReader? Object(ConfigNode? node, string path, ConfigShape shape, string what)
    {
        if (node is not ConfigMapping mapping)
        {
            Error(path, node, $"Expected {what} (a mapping of keys such as {string.Join(", ", shape.Keys.Take(4))}), found {node?.Describe() ?? "nothing"}.");
            return null;
        }

        foreach (var entry in mapping.Entries)
        {
            if (!shape.Allows(entry.Key.Text))
            {
                var suggestion = shape.Suggest(entry.Key.Text);
                Error(
                    ConfigPath.Child(path, entry.Key.Text),
                    entry.Key,
                    suggestion is null
                        ? $"Unknown key '{entry.Key.Text}' in {what}; allowed keys: {string.Join(", ", shape.Keys)}."
                        : $"Unknown key '{entry.Key.Text}' in {what}; did you mean '{suggestion}'?");
            }
        }

        return new ObjectReader(this, mapping, path, what);
    }

    /// <summary>The items of a list with their paths; null (with an error) when the node is not a list. A null node is an empty list.</summary>
    public IReadOnlyList<(ConfigNode Node, string Path)>? List(ConfigNode? node, string path, string what)
    {
        if (node is null || node is ConfigScalar { IsNull: true })
        {
            return [];
        }

        if (node is not ConfigSequence sequence)
        {
            Error(path, node, $"Expected a list of {what}, found {node.Describe()}.");
            return null;
        }

        return [.. sequence.Items.Select((item, index) => (item, ConfigPath.Item(path, index)))];
    }

    /// <summary>Names of rules, probes, heartbeats, receivers: a letter, then letters, digits, <c>_ - . :</c>; at most 100 characters.</summary>
    public static bool IsValidObjectName(string name) => name.Length <= 100 && ObjectNamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.:-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectNamePattern();

    private sealed record PendingReference(string Kind, string Name, string Path, SourceMark Mark, string Section);
}
