using Vigil.Domain.Labels;

namespace Vigil.Domain.Notifications.Routing;

/// <summary>How a route groups alerts: by some labels, or (<c>groupBy: ['...']</c>) by all of them.</summary>
public sealed record GroupBy(IReadOnlyList<string> Labels, bool All)
{
    public static readonly GroupBy Nothing = new([], false);

    public LabelSet Apply(LabelSet labels) => All ? labels : labels.Only(Labels);

    public override string ToString() => All ? "[...]" : "[" + string.Join(", ", Labels) + "]";
}

/// <summary>
/// The timers of a route, with Alertmanager's meaning:
/// <list type="bullet">
/// <item><see cref="GroupWait"/>: how long a new group waits before its first notification, so alerts that start
/// together arrive in one message.</item>
/// <item><see cref="GroupInterval"/>: how long a group waits after a notification before notifying about changes
/// (alerts added or resolved); the group is looked at every group interval.</item>
/// <item><see cref="RepeatInterval"/>: how long before a notification is sent again when nothing changed and
/// alerts still fire (at least the group interval).</item>
/// </list>
/// </summary>
public sealed record GroupTiming(TimeSpan GroupWait, TimeSpan GroupInterval, TimeSpan RepeatInterval)
{
    public static readonly GroupTiming Default = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(4));
}

/// <summary>
/// A node of the routing tree. An alert enters at the root (which matches everything) and goes down: each child
/// whose matchers all match takes it (and its own children first); the first matching child stops the search
/// among its siblings unless it says <see cref="Continue"/>. If no child takes it, the node itself does. Children
/// inherit every setting they do not give.
/// </summary>
public sealed class RouteNode
{
    public RouteNode(
        string key,
        IReadOnlyList<LabelMatcher> matchers,
        IReadOnlyList<string> receivers,
        GroupBy groupBy,
        GroupTiming timing,
        bool @continue,
        IReadOnlyList<string> muteTimes,
        IReadOnlyList<string> activeTimes,
        IReadOnlyList<RouteNode> children)
    {
        Key = key;
        Matchers = matchers;
        Receivers = receivers;
        GroupBy = groupBy;
        Timing = timing;
        Continue = @continue;
        MuteTimes = muteTimes;
        ActiveTimes = activeTimes;
        Children = children;
    }

    /// <summary>A stable identity built from the matchers on the path from the root (<c>{}/{severity="critical"}</c>), so reordering routes keeps their groups.</summary>
    public string Key { get; }

    public IReadOnlyList<LabelMatcher> Matchers { get; }

    public IReadOnlyList<string> Receivers { get; }

    public GroupBy GroupBy { get; }

    public GroupTiming Timing { get; }

    public bool Continue { get; }

    /// <summary>Names of mute times during which this route's notifications are held.</summary>
    public IReadOnlyList<string> MuteTimes { get; }

    /// <summary>Names of time intervals outside which this route's notifications are held (empty: always active).</summary>
    public IReadOnlyList<string> ActiveTimes { get; }

    public IReadOnlyList<RouteNode> Children { get; }

    /// <summary>The routes that take an alert with these labels (empty when this node does not match).</summary>
    public IReadOnlyList<RouteNode> Match(LabelSet labels)
    {
        if (!LabelMatcher.MatchesAll(Matchers, labels))
        {
            return [];
        }

        var matched = new List<RouteNode>();
        foreach (var child in Children)
        {
            var taken = child.Match(labels);
            matched.AddRange(taken);
            if (taken.Count > 0 && !child.Continue)
            {
                break;
            }
        }

        if (matched.Count == 0)
        {
            matched.Add(this);
        }

        return matched;
    }

    /// <summary>This node and every node below it, depth first.</summary>
    public IReadOnlyList<RouteNode> Descendants()
    {
        var result = new List<RouteNode>();
        var stack = new Stack<RouteNode>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            result.Add(node);
            for (var i = node.Children.Count - 1; i >= 0; i--)
            {
                stack.Push(node.Children[i]);
            }
        }

        return result;
    }
}
