using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using Vigil.Deployment.Tests.Support;
using Vigil.Functions.Messaging;

namespace Vigil.Deployment.Tests.Consistency;

/// <summary>
/// Every Service Bus queue a function.json names exists in infra/bicep/queues.json (which main.bicep deploys) with the
/// same name, and vice versa; QueueNames agrees; every queue sets its delivery behaviour deliberately.
/// </summary>
public sealed partial class QueueConsistencyTests
{
    private static readonly IReadOnlyList<JsonObject> Queues = DeploymentFiles.Queues;

    private static HashSet<string> DeclaredQueues => Queues.Select(q => q["name"]?.GetValue<string>() ?? string.Empty).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void FunctionJson_EveryQueue_IsDeclaredInQueuesJson()
    {
        var missing = DeploymentFiles.Functions
            .SelectMany(f => f.QueueNames.Select(q => (f, q)))
            .Where(x => !DeclaredQueues.Contains(x.q))
            .Select(x => $"{x.f.Path}: queue '{x.q}' is not in infra/bicep/queues.json (so Azure would not have it)")
            .ToList();

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public void QueuesJson_EveryQueue_IsUsedByAFunctionJson()
    {
        var used = DeploymentFiles.Functions.SelectMany(f => f.QueueNames).ToHashSet(StringComparer.Ordinal);
        var unused = DeclaredQueues.Where(q => !used.Contains(q)).ToList();

        Assert.True(unused.Count == 0, $"queues.json declares queues no function.json triggers on or writes to: {string.Join(", ", unused)}");
    }

    [Fact]
    public void QueueNames_MatchQueuesJson()
    {
        var code = QueueNames.All.ToHashSet(StringComparer.Ordinal);

        Assert.True(code.SetEquals(DeclaredQueues),
            $"QueueNames.All [{string.Join(", ", code.Order(StringComparer.Ordinal))}] != queues.json [{string.Join(", ", DeclaredQueues.Order(StringComparer.Ordinal))}]");
    }

    [Fact]
    public void FunctionJson_ServiceBusBindings_NameQueuesNotTopics()
    {
        var problems = DeploymentFiles.Functions
            .SelectMany(f => f.Bindings.Where(FunctionManifest.IsServiceBus).Select(b => (f, b)))
            .Where(x => x.b["queueName"] is null || x.b["topicName"] is not null)
            .Select(x => $"{x.f.Path}: a serviceBus binding without queueName (topics are not deployed)")
            .ToList();

        Assert.Empty(problems);
    }

    [Fact]
    public void QueuesJson_EveryQueue_SetsItsDeliveryBehaviourDeliberately()
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var queue in Queues)
        {
            var name = queue["name"]?.GetValue<string>() ?? "(no name)";
            void Problem(string what) => problems.Add($"queues.json '{name}': {what}");

            if (!QueueName().IsMatch(name))
            {
                Problem("the name must be lower-case letters, digits, '-', '.', '_' (Service Bus, and Azurite queues under DevHost)");
            }

            if (!names.Add(name))
            {
                Problem("declared twice");
            }

            if (string.IsNullOrWhiteSpace(queue["purpose"]?.GetValue<string>()))
            {
                Problem("\"purpose\" says who sends and who receives");
            }

            if (queue["maxDeliveryCount"] is not JsonValue count || count.GetValueKind() != JsonValueKind.Number || count.GetValue<int>() is < 1 or > 10)
            {
                Problem("\"maxDeliveryCount\" must be a number from 1 to 10 (immediate redelivery: more attempts only repeat the failure; docs/deployment.md)");
            }

            var lockDuration = Duration(queue, "lockDuration");
            if (lockDuration is null || lockDuration < TimeSpan.FromSeconds(5) || lockDuration > TimeSpan.FromMinutes(5))
            {
                Problem("\"lockDuration\" must be an ISO 8601 duration from PT5S to PT5M (Service Bus limits)");
            }

            var ttl = Duration(queue, "defaultMessageTimeToLive");
            if (ttl is null || ttl < TimeSpan.FromMinutes(1))
            {
                Problem("\"defaultMessageTimeToLive\" must be an ISO 8601 duration of at least PT1M");
            }

            if (queue["deadLetteringOnMessageExpiration"]?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                Problem("\"deadLetteringOnMessageExpiration\" must be true or false");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void HostJson_LockRenewal_CoversTheFunctionTimeout()
    {
        // If an invocation could outlive its message lock, Service Bus would hand the message to a second
        // invocation while the first still runs: a duplicate notification.
        var host = DeploymentFiles.ReadObject(Path.Combine(DeploymentFiles.Root, "host.json"));
        var timeout = TimeSpan.Parse(host["functionTimeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var renewal = TimeSpan.Parse(host["extensions"]!["serviceBus"]!["maxAutoLockRenewalDuration"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(renewal >= timeout, $"maxAutoLockRenewalDuration {renewal} is shorter than functionTimeout {timeout}");
        Assert.NotEqual(false, host["extensions"]!["serviceBus"]!["autoCompleteMessages"]?.GetValue<bool>());
    }

    [Fact]
    public void MainBicep_DeploysEveryQueueOfQueuesJson()
    {
        var main = DeploymentFiles.MainBicep;
        var serviceBus = DeploymentFiles.Module("servicebus.bicep");

        Assert.Contains("loadJsonContent('queues.json').queues", main.Text, StringComparison.Ordinal);
        Assert.Matches(@"queues:\s*queueDefinitions", main.Text);
        Assert.Matches(@"resource \w+ 'Microsoft\.ServiceBus/namespaces/queues@[^']+' = \[for q in queues:", serviceBus.Text);
        foreach (var property in new[] { "maxDeliveryCount", "lockDuration", "defaultMessageTimeToLive", "deadLetteringOnMessageExpiration" })
        {
            Assert.Matches($@"{property}:\s*q\.\??{property}", serviceBus.Text);
        }
    }

    private static TimeSpan? Duration(JsonObject queue, string property)
    {
        try
        {
            return queue[property] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? XmlConvert.ToTimeSpan(value.GetValue<string>()) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9._-]{0,258}[a-z0-9])?$")]
    private static partial Regex QueueName();
}
