using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Configuration.Sections;
using Vigil.Domain.Configuration.Validation;
using Vigil.Domain.Notifications.Inhibition;
using Vigil.Domain.Notifications.Receivers;
using Vigil.Domain.Notifications.Routing;
using Vigil.Domain.Notifications.TimeIntervals;
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
        new MuteTimesSection(),
        new ReceiversSection(),
        new RouteSection(),
        new InhibitSection(),
    ];

    /// <summary>The document's top-level keys.</summary>
    public static readonly ConfigShape RootShape = new("root", "rules", "probes", "heartbeats", "receivers", "route", "inhibit", "muteTimes");

    public static ConfigLoadResult Load(string text) => Load(text, null);

    /// <summary>
    /// Reads a document; with <paramref name="settings"/>, every app setting it names (<c>%NAME%</c>) must exist
    /// (what <c>PUT /api/config</c> checks). Without, names are only checked for form.
    /// </summary>
    public static ConfigLoadResult Load(string text, IConfigSettings? settings)
    {
        var parseErrors = new List<ConfigError>();
        var root = ConfigDocumentParser.Parse(text, parseErrors);
        if (root is null)
        {
            return new ConfigLoadResult(null, parseErrors);
        }

        return Load(root, settings);
    }

    public static ConfigLoadResult Load(ConfigNode root, IConfigSettings? settings = null)
    {
        var context = new ValidationContext(settings);
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

        return new ConfigLoadResult(new VigilConfig(builder.Rules, builder.Probes, builder.Heartbeats, builder.Objects) { Notifications = builder.Notifications.Build() }, []);
    }
}
