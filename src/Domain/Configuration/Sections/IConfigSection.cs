using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Configuration.Validation;

namespace Vigil.Domain.Configuration.Sections;

/// <summary>
/// Reads one top-level section of the configuration document (<c>rules</c>, <c>probes</c>, <c>receivers</c>, ...).
/// A section reports every problem to the context (never throws for bad input), declares the names it defines
/// (<see cref="ValidationContext.DeclareName"/>), records names it refers to in other sections
/// (<see cref="ValidationContext.Reference"/>, checked once all sections are read) and puts its result and its
/// named objects (for <c>POST /api/config/plan</c>) into the builder.
/// <para>To add a section: write a class implementing this interface next to its domain (e.g. Domain/Probes), give it
/// <see cref="ConfigShape"/>s for its objects, add it to <see cref="ConfigReader.Sections"/>, its key to
/// <see cref="ConfigReader.RootShape"/>, a property to <see cref="VigilConfig"/>, and its definitions to
/// docs/config.schema.json and docs/configuration.md (tests check the schema against the shapes).</para>
/// </summary>
public interface IConfigSection
{
    /// <summary>The top-level key.</summary>
    string Key { get; }

    /// <summary>Sections are read in ascending order; sections that only refer to others can come in any order.</summary>
    int Order { get; }

    void Read(ConfigNode node, ValidationContext context, ConfigBuilder builder);
}

/// <summary>What the sections produce while a document is read; becomes a <see cref="VigilConfig"/> if nothing was wrong.</summary>
public sealed class ConfigBuilder
{
    private readonly List<ConfigObject> _objects = [];

    public List<Rules.AlertRule> Rules { get; } = [];

    public List<Probes.ProbeDefinition> Probes { get; } = [];

    public List<Probes.HeartbeatDefinition> Heartbeats { get; } = [];

    public Notifications.NotificationConfigBuilder Notifications { get; } = new();

    public IReadOnlyList<ConfigObject> Objects => _objects;

    /// <summary>Records a named object for plans: its canonical form is what "changed" compares.</summary>
    public void AddObject(string kind, string name, ConfigNode node) => _objects.Add(new ConfigObject(kind, name, node.ToCanonicalJson()));
}

/// <summary>
/// A section that is part of the document's design but not implemented yet: present, it is an error saying so
/// (never accepted and ignored, which would let someone believe their receivers are configured).
/// </summary>
public sealed class NotSupportedYetSection : IConfigSection
{
    private readonly string _feature;

    public NotSupportedYetSection(string key, string feature)
    {
        Key = key;
        _feature = feature;
    }

    public string Key { get; }

    public int Order => 100;

    public void Read(ConfigNode node, ValidationContext context, ConfigBuilder builder) =>
        context.Error(Key, node, $"'{Key}' is not supported yet: {_feature} is not part of this version of Vigil. Remove the section for now.");
}
