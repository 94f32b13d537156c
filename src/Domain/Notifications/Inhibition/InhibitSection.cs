using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Configuration.Sections;
using Vigil.Domain.Configuration.Validation;

namespace Vigil.Domain.Notifications.Inhibition;

/// <summary>Reads <c>inhibit</c>: a list of rules with <c>sourceMatch</c>, <c>targetMatch</c> (matcher maps) and <c>equal</c> (label names).</summary>
public sealed class InhibitSection : IConfigSection
{
    public static readonly ConfigShape InhibitShape = new("inhibit", "sourceMatch", "targetMatch", "equal");

    public string Key => "inhibit";

    public int Order => 70;

    public void Read(ConfigNode node, ValidationContext context, ConfigBuilder builder)
    {
        var items = context.List(node, Key, "inhibit rules");
        foreach (var (itemNode, path) in items ?? [])
        {
            var reader = context.Object(itemNode, path, InhibitShape, "an inhibit rule");
            if (reader is null)
            {
                continue;
            }

            var source = Required(reader, "sourceMatch", "the alerts that inhibit, e.g. { severity: critical }");
            var target = Required(reader, "targetMatch", "the alerts that are inhibited, e.g. { severity: warning }");
            var equal = reader.LabelNameList("equal") ?? (reader.Has("equal") ? null : []);
            if (source is not null && target is not null && equal is not null)
            {
                builder.Notifications.InhibitRules.Add(new InhibitRule(source, target, equal));
            }
        }

        if (node is ConfigSequence sequence && sequence.Items.Count > 0)
        {
            builder.AddObject("inhibit", "rules", node);
        }
    }

    private static List<Labels.LabelMatcher>? Required(ObjectReader reader, string key, string hint)
    {
        if (!reader.Has(key))
        {
            reader.Missing(key, hint);
            return null;
        }

        var matchers = reader.Matchers(key);
        if (matchers is { Count: 0 })
        {
            reader.Error(key, $"Give at least one matcher ({hint}).");
            return null;
        }

        return matchers;
    }
}
