using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Configuration.Sections;
using Vigil.Domain.Configuration.Validation;
using Vigil.Domain.Probes;
using Vigil.Domain.Rules.Reading;

namespace Vigil.Domain.Configuration;

/// <summary>The outcome of reading a document: a configuration when it is valid as a whole, else every error found.</summary>
public sealed record ConfigLoadResult(VigilConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Config is not null;
}

/// <summary>
/// Reads a whole configuration document (YAML or JSON): parses it, lets each section read its part, checks the
/// references between sections, and accepts nothing unless every part is valid.
/// </summary>
public static class ConfigReader
{
    /// <summary>The sections, in reading order (see <see cref="IConfigSection"/> to add one).</summary>
    public static readonly IReadOnlyList<IConfigSection> Sections =
    [
        new ProbesSection(),
        new HeartbeatsSection(),
        new RulesSection(),
        new NotSupportedYetSection("receivers", "notification receivers (Slack, PagerDuty, email, webhooks)"),
        new NotSupportedYetSection("route", "notification routing"),
        new NotSupportedYetSection("inhibit", "inhibition"),
        new NotSupportedYetSection("muteTimes", "mute times"),
    ];

    /// <summary>The document's top-level keys.</summary>
    public static readonly ConfigShape RootShape = new("root", "rules", "probes", "heartbeats", "receivers", "route", "inhibit", "muteTimes");

    public static ConfigLoadResult Load(string text)
    {
        var parseErrors = new List<ConfigError>();
        var root = ConfigDocumentParser.Parse(text, parseErrors);
        if (root is null)
        {
            return new ConfigLoadResult(null, parseErrors);
        }

        return Load(root);
    }

    public static ConfigLoadResult Load(ConfigNode root)
    {
        var context = new ValidationContext();
        if (root is ConfigScalar { IsNull: true })
        {
            return new ConfigLoadResult(VigilConfig.Empty, []);
        }

        var document = context.Object(root, string.Empty, RootShape, "the configuration document");
        if (document is null)
        {
            return new ConfigLoadResult(null, context.Errors);
        }

        var builder = new ConfigBuilder();
        foreach (var section in Sections.OrderBy(s => s.Order))
        {
            if (document.Mapping.Get(section.Key) is { } node)
            {
                section.Read(node, context, builder);
            }
        }

        context.CheckReferences();
        if (context.HasErrors)
        {
            var ordered = context.Errors.OrderBy(e => e.Line ?? int.MaxValue).ThenBy(e => e.Column ?? 0).ToList();
            return new ConfigLoadResult(null, ordered);
        }

        return new ConfigLoadResult(new VigilConfig(builder.Rules, builder.Probes, builder.Heartbeats, builder.Objects), []);
    }
}
