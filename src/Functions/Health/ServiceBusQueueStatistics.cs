using System.Globalization;
using System.Xml.Linq;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Vigil.Functions.Health;

/// <summary>
/// Queue depths from the Service Bus management endpoint (<c>GET https://{namespace}/{queue}?api-version=2021-05</c>,
/// an Atom entry whose QueueDescription/CountDetails holds ActiveMessageCount and DeadLetterMessageCount).
/// Needs the app identity to hold "Azure Service Bus Data Owner" on the namespace (infra/bicep grants it).
/// </summary>
public sealed class ServiceBusQueueStatistics : IQueueStatistics
{
    private const string ApiVersion = "2021-05";
    private readonly HttpPipeline _pipeline;
    private readonly Uri _namespace;

    public ServiceBusQueueStatistics(string fullyQualifiedNamespace, TokenCredential credential, ClientOptions? options = null)
    {
        _namespace = new Uri("https://" + fullyQualifiedNamespace.Trim().TrimEnd('/') + "/");
        _pipeline = HttpPipelineBuilder.Build(
            options ?? new ServiceBusStatisticsOptions(),
            new BearerTokenAuthenticationPolicy(credential, "https://servicebus.azure.net/.default"));
    }

    public async Task<QueueDepth?> GetAsync(string queueName, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(_namespace, Uri.EscapeDataString(queueName) + "?api-version=" + ApiVersion));
        await _pipeline.SendAsync(message, cancellationToken);
        var response = message.Response;
        if (response.Status != 200)
        {
            return null;
        }

        return Parse(queueName, response.Content.ToString());
    }

    /// <summary>Reads the counts out of the Atom entry (element names matched by local name).</summary>
    public static QueueDepth? Parse(string queueName, string atomXml)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(atomXml);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }

        long? Count(string localName) => document.Descendants()
            .Where(e => e.Name.LocalName == localName)
            .Select(e => long.TryParse(e.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (long?)null)
            .FirstOrDefault();

        var active = Count("ActiveMessageCount");
        var deadLetter = Count("DeadLetterMessageCount");
        return active is null && deadLetter is null ? null : new QueueDepth(queueName, active ?? 0, deadLetter ?? 0);
    }

    private sealed class ServiceBusStatisticsOptions : ClientOptions
    {
        public ServiceBusStatisticsOptions()
        {
            Retry.MaxRetries = 2;
            Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        }
    }
}
