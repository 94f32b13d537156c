using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using Vigil.Domain.Configuration.Validation;

namespace Vigil.Domain.Configuration.Document;

/// <summary>
/// Reads a configuration document, YAML or JSON (a JSON document is valid YAML flow syntax), into a
/// <see cref="ConfigNode"/> tree that keeps each node's line and column. Anchors and aliases are supported
/// (with a cap on the expanded size against alias bombs); tags, several documents and duplicate keys are errors.
/// </summary>
public static class ConfigDocumentParser
{
    /// <summary>Largest document accepted, in characters.</summary>
    public const int MaxLength = 1024 * 1024;

    /// <summary>Most nodes a document may expand to (aliases count each time they are used).</summary>
    public const int MaxNodes = 200_000;

    /// <summary>Deepest nesting accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>The root node, or null with at least one error in <paramref name="errors"/>.</summary>
    public static ConfigNode? Parse(string text, ICollection<ConfigError> errors)
    {
        if (text.Length > MaxLength)
        {
            errors.Add(new ConfigError(string.Empty, null, null, $"The document has {text.Length} characters; the limit is {MaxLength}."));
            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new ConfigError(string.Empty, 1, 1, "The document is empty: expected a mapping with sections such as rules, probes and heartbeats."));
            return null;
        }

        var builder = new TreeBuilder(new Parser(new StringReader(text)), errors);
        try
        {
            return builder.ReadStream();
        }
        catch (YamlException ex)
        {
            errors.Add(new ConfigError(string.Empty, (int)ex.Start.Line, (int)ex.Start.Column, "Not valid YAML or JSON: " + CleanMessage(ex.Message)));
            return null;
        }
    }

    private static string CleanMessage(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the position is reported separately.
        var index = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && index > 0 ? message[(index + 3)..] : message;
    }

    private sealed class TreeBuilder
    {
        private readonly IParser _parser;
        private readonly ICollection<ConfigError> _errors;
        private readonly Dictionary<string, (ConfigNode Node, int Size)> _anchors = new(StringComparer.Ordinal);
        private int _nodes;
        private bool _failed;

        public TreeBuilder(IParser parser, ICollection<ConfigError> errors)
        {
            _parser = parser;
            _errors = errors;
        }

        public ConfigNode? ReadStream()
        {
            _parser.Consume<StreamStart>();
            if (_parser.Accept<StreamEnd>(out _))
            {
                _errors.Add(new ConfigError(string.Empty, 1, 1, "The document is empty: expected a mapping with sections such as rules, probes and heartbeats."));
                return null;
            }

            _parser.Consume<DocumentStart>();
            var (root, _) = ReadNode(depth: 0);
            _parser.Consume<DocumentEnd>();
            if (_parser.Accept<DocumentStart>(out var second))
            {
                Fail(second.Start, "The file holds more than one YAML document (---); put everything in one document.");
            }

            return _failed ? null : root;
        }

        private (ConfigNode Node, int Size) ReadNode(int depth)
        {
            var start = _parser.Current!.Start;
            if (depth > MaxDepth)
            {
                Fail(start, $"The document nests deeper than {MaxDepth} levels.");
                throw new YamlException(start, start, "nesting too deep");
            }

            if (_parser.TryConsume<AnchorAlias>(out var alias))
            {
                if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    Fail(alias.Start, $"The alias *{alias.Value} names no anchor defined before it.");
                    return (new ConfigScalar(Mark(alias.Start), string.Empty, quoted: false), 1);
                }

                Count(alias.Start, target.Size);
                return target;
            }

            (ConfigNode Node, int Size) result;
            string? anchor;
            if (_parser.TryConsume<Scalar>(out var scalar))
            {
                CheckTag(scalar.Tag, scalar.Start);
                anchor = scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value;
                Count(scalar.Start, 1);
                result = (new ConfigScalar(Mark(scalar.Start), scalar.Value, scalar.Style is not ScalarStyle.Plain), 1);
            }
            else if (_parser.TryConsume<SequenceStart>(out var sequenceStart))
            {
                CheckTag(sequenceStart.Tag, sequenceStart.Start);
                anchor = sequenceStart.Anchor.IsEmpty ? null : sequenceStart.Anchor.Value;
                Count(sequenceStart.Start, 1);
                var items = new List<ConfigNode>();
                var size = 1;
                while (!_parser.TryConsume<SequenceEnd>(out _))
                {
                    var (item, itemSize) = ReadNode(depth + 1);
                    items.Add(item);
                    size += itemSize;
                }

                result = (new ConfigSequence(Mark(sequenceStart.Start), items), size);
            }
            else if (_parser.TryConsume<MappingStart>(out var mappingStart))
            {
                CheckTag(mappingStart.Tag, mappingStart.Start);
                anchor = mappingStart.Anchor.IsEmpty ? null : mappingStart.Anchor.Value;
                Count(mappingStart.Start, 1);
                var entries = new List<ConfigEntry>();
                var seen = new Dictionary<string, ConfigScalar>(StringComparer.Ordinal);
                var size = 1;
                while (!_parser.TryConsume<MappingEnd>(out _))
                {
                    var keyStart = _parser.Current!.Start;
                    var (keyNode, _) = ReadNode(depth + 1);
                    var (value, valueSize) = ReadNode(depth + 1);
                    size += valueSize + 1;
                    if (keyNode is not ConfigScalar key || key.IsNull && !key.Quoted)
                    {
                        Fail(keyStart, "A mapping key must be a plain name such as rules or name (not a list, a mapping or null).");
                        continue;
                    }

                    if (key.Text == "<<")
                    {
                        Fail(keyStart, "YAML merge keys (<<) are not supported; repeat the keys or use an alias for a whole value.");
                        continue;
                    }

                    if (seen.TryGetValue(key.Text, out var first))
                    {
                        Fail(keyStart, $"The key '{key.Text}' appears twice in this mapping (first at line {first.Mark.Line}).");
                        continue;
                    }

                    seen.Add(key.Text, key);
                    entries.Add(new ConfigEntry(key, value));
                }

                result = (new ConfigMapping(Mark(mappingStart.Start), entries), size);
            }
            else
            {
                var current = _parser.Current!;
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
            }

            if (anchor is not null)
            {
                _anchors[anchor] = result;
            }

            return result;
        }

        private void CheckTag(TagName tag, Mark start)
        {
            if (!tag.IsEmpty && !tag.IsNonSpecific)
            {
                Fail(start, $"YAML tags such as {tag.Value} are not supported; write the plain value.");
            }
        }

        private void Count(Mark at, int size)
        {
            _nodes += size;
            if (_nodes > MaxNodes)
            {
                Fail(at, $"The document expands to more than {MaxNodes} values (aliases count each time they are used).");
                throw new YamlException(at, at, "document too large");
            }
        }

        private void Fail(Mark at, string reason)
        {
            _failed = true;
            _errors.Add(new ConfigError(string.Empty, (int)at.Line, (int)at.Column, reason));
        }

        private static SourceMark Mark(Mark mark) => new((int)mark.Line, (int)mark.Column);
    }
}
