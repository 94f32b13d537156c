using Vigil.Domain.Configuration.Document;
using Vigil.Domain.Configuration.Sections;
using Vigil.Domain.Configuration.Validation;
using Vigil.Domain.Labels;
using Vigil.Domain.Time;

namespace Vigil.Domain.Notifications.Routing;

/// <summary>
/// Reads <c>route</c>: the routing tree. The root needs a receiver and matches every alert (no <c>match</c>, no
/// <c>continue</c>); children inherit what they do not set. A repeat interval shorter than the group interval is
/// an error (Alertmanager only warns; here it is never a silent surprise).
/// </summary>
public sealed class RouteSection : IConfigSection
{
    public static readonly ConfigShape RouteShape = new(
        "route",
        "match", "receiver", "receivers", "groupBy", "groupWait", "groupInterval", "repeatInterval", "continue", "muteTimes", "activeTimes", "routes", "fallbackReceiver");

    /// <summary>The <c>groupBy</c> value that groups by every label.</summary>
    public const string AllLabels = "...";

    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(7);

    public string Key => "route";

    public int Order => 60;

    public void Read(ConfigNode node, ValidationContext context, ConfigBuilder builder)
    {
        var errorsBefore = context.Errors.Count;
        var root = ReadNode(context, node, Key, null, GroupBy.Nothing, GroupTiming.Default, [], [], isRoot: true);
        builder.AddObject("route", "root", node);
        if (root is not null && context.Errors.Count == errorsBefore)
        {
            builder.Notifications.Route = root.Value.Node;
            builder.Notifications.FallbackReceiver = root.Value.Fallback;
        }
    }

    private static (RouteNode Node, string? Fallback)? ReadNode(
        ValidationContext context, ConfigNode node, string path, string? parentKey, GroupBy parentGroupBy, GroupTiming parentTiming,
        IReadOnlyList<string> parentReceivers, IReadOnlyList<string> parentMuteTimes, bool isRoot)
    {
        var route = context.Object(node, path, RouteShape, isRoot ? "the route" : "a route");
        if (route is null)
        {
            return null;
        }

        var ok = true;
        if (isRoot)
        {
            foreach (var rootOnly in new[] { "match", "continue" })
            {
                if (route.Mapping.Contains(rootOnly))
                {
                    route.ErrorAtKey(rootOnly, $"The root route takes every alert, so '{rootOnly}' does not apply here; put it on a child under routes.");
                    ok = false;
                }
            }
        }
        else if (route.Mapping.Contains("fallbackReceiver"))
        {
            route.ErrorAtKey("fallbackReceiver", "fallbackReceiver belongs on the root route (it receives the \"delivery failing\" meta-alerts of every receiver).");
            ok = false;
        }

        var matchers = route.Matchers("match");
        ok &= matchers is not null;
        var receivers = ReadReceivers(route, parentReceivers, isRoot, ref ok);
        var groupBy = ReadGroupBy(route, parentGroupBy, ref ok);
        var groupWait = route.Duration("groupWait", max: MaxTimer) ?? parentTiming.GroupWait;
        var groupInterval = route.Duration("groupInterval", min: TimeSpan.FromSeconds(1), max: MaxTimer) ?? parentTiming.GroupInterval;
        var repeatInterval = route.Duration("repeatInterval", min: TimeSpan.FromSeconds(1), max: TimeSpan.FromDays(30)) ?? parentTiming.RepeatInterval;
        if (repeatInterval < groupInterval && (route.Has("repeatInterval") || route.Has("groupInterval")))
        {
            var where = route.Has("repeatInterval") ? "repeatInterval" : "groupInterval";
            route.Error(where, $"repeatInterval ({DurationText.Format(repeatInterval)}) is shorter than groupInterval ({DurationText.Format(groupInterval)}): a group is only looked at every group interval, so it could never repeat that often. Make repeatInterval at least {DurationText.Format(groupInterval)}.");
            ok = false;
        }

        var muteTimes = ReadTimeReferences(route, "muteTimes", ref ok) ?? parentMuteTimes;
        var activeTimes = ReadTimeReferences(route, "activeTimes", ref ok) ?? [];
        var @continue = route.Boolean("continue") ?? false;
        string? fallback = null;
        if (isRoot && route.Name("fallbackReceiver") is { } fallbackName)
        {
            context.Reference("receiver", fallbackName, route.PathOf("fallbackReceiver"), route.Mapping.Get("fallbackReceiver")!, "receivers");
            fallback = fallbackName;
        }

        var key = parentKey is null ? "{}" : parentKey + "/{" + string.Join(",", (matchers ?? []).Select(m => m.ToString())) + "}";
        var timing = new GroupTiming(groupWait, groupInterval, repeatInterval);
        var children = new List<RouteNode>();
        var childItems = context.List(route.Mapping.Get("routes"), route.PathOf("routes"), "routes");
        ok &= childItems is not null;
        var seenKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (childNode, childPath) in childItems ?? [])
        {
            var child = ReadNode(context, childNode, childPath, key, groupBy, timing, receivers, muteTimes, isRoot: false);
            if (child is null)
            {
                ok = false;
                continue;
            }

            // Siblings with the same matchers get an index so their groups stay apart.
            var childNodeValue = child.Value.Node;
            var count = seenKeys.TryGetValue(childNodeValue.Key, out var seen) ? seen + 1 : 0;
            seenKeys[childNodeValue.Key] = count;
            children.Add(count == 0 ? childNodeValue : WithKey(childNodeValue, childNodeValue.Key + ":" + count));
        }

        if (!ok || matchers is null)
        {
            return null;
        }

        return (new RouteNode(key, matchers, receivers, groupBy, timing, @continue, muteTimes, activeTimes, children), fallback);
    }

    private static RouteNode WithKey(RouteNode node, string key) =>
        new(key, node.Matchers, node.Receivers, node.GroupBy, node.Timing, node.Continue, node.MuteTimes, node.ActiveTimes, node.Children);

    private static IReadOnlyList<string> ReadReceivers(ObjectReader route, IReadOnlyList<string> inherited, bool isRoot, ref bool ok)
    {
        if (route.Has("receiver") && route.Has("receivers"))
        {
            route.ErrorAtKey("receivers", "Give either receiver (one) or receivers (a list), not both.");
            ok = false;
            return inherited;
        }

        var names = new List<(string Name, ConfigNode Node, string Path)>();
        if (route.Has("receiver"))
        {
            if (route.Name("receiver") is { } single)
            {
                names.Add((single, route.Mapping.Get("receiver")!, route.PathOf("receiver")));
            }
            else
            {
                ok = false;
            }
        }
        else if (route.Has("receivers"))
        {
            var list = route.StringList("receivers");
            if (list is null || list.Count == 0)
            {
                if (list is not null)
                {
                    route.Error("receivers", "Give at least one receiver name.");
                }

                ok = false;
            }

            foreach (var item in list ?? [])
            {
                if (names.Any(n => n.Name == item.Value))
                {
                    route.Context.Error(item.Path, item.Node, $"'{item.Value}' is listed twice.");
                    ok = false;
                    continue;
                }

                names.Add(item);
            }
        }
        else if (isRoot)
        {
            route.Missing("receiver", "the root route names the receiver every alert goes to unless a child route takes it, e.g. receiver: ops-slack");
            ok = false;
        }

        foreach (var (name, node, path) in names)
        {
            route.Context.Reference("receiver", name, path, node, "receivers");
        }

        return names.Count > 0 ? [.. names.Select(n => n.Name)] : inherited;
    }

    private static GroupBy ReadGroupBy(ObjectReader route, GroupBy inherited, ref bool ok)
    {
        if (!route.Has("groupBy"))
        {
            return inherited;
        }

        var items = route.StringList("groupBy");
        if (items is null)
        {
            ok = false;
            return inherited;
        }

        if (items.Any(i => i.Value == AllLabels))
        {
            if (items.Count > 1)
            {
                route.Error("groupBy", "'...' groups by every label; it cannot be combined with label names.");
                ok = false;
            }

            return new GroupBy([], true);
        }

        var names = route.LabelNameList("groupBy");
        if (names is null)
        {
            ok = false;
            return inherited;
        }

        return new GroupBy(names, false);
    }

    private static IReadOnlyList<string>? ReadTimeReferences(ObjectReader route, string key, ref bool ok)
    {
        if (!route.Has(key))
        {
            return null;
        }

        var items = route.StringList(key);
        if (items is null)
        {
            ok = false;
            return null;
        }

        foreach (var (name, node, path) in items)
        {
            route.Context.Reference("mute time", name, path, node, "muteTimes");
        }

        return [.. items.Select(i => i.Value)];
    }
}
