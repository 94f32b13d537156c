using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Configuration.Sections;
using Vigil.Domain.Configuration.Validation;

namespace Vigil.Domain.Probes;

/// <summary>Reads <c>heartbeats</c>; declares each name (kind <c>heartbeat</c>) for status rules.</summary>
public sealed class HeartbeatsSection : IConfigSection
{
    public static readonly ConfigShape HeartbeatShape = new("heartbeat", "name", "expectEvery", "grace");

    public static readonly TimeSpan MinExpectEvery = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxExpectEvery = TimeSpan.FromDays(31);

    public string Key => "heartbeats";

    public int Order => 10;

    public void Read(ConfigNode node, ValidationContext context, ConfigBuilder builder)
    {
        var items = context.List(node, Key, "heartbeats");
        if (items is null)
        {
            return;
        }

        foreach (var (itemNode, path) in items)
        {
            var heartbeat = context.Object(itemNode, path, HeartbeatShape, "a heartbeat");
            if (heartbeat is null)
            {
                continue;
            }

            var name = heartbeat.Name("name", required: true);
            if (name is not null && context.DeclareName("heartbeat", name, heartbeat.PathOf("name"), heartbeat.Mapping.Get("name")!))
            {
                builder.AddObject("heartbeat", name, itemNode);
            }

            var every = heartbeat.Duration("expectEvery", required: true, min: MinExpectEvery, max: MaxExpectEvery);
            var grace = heartbeat.Duration("grace", max: MaxExpectEvery) ?? TimeSpan.Zero;
            if (name is not null && every is not null)
            {
                builder.Heartbeats.Add(new HeartbeatDefinition(name, every.Value, grace));
            }
        }
    }
}
