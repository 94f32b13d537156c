using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Vigil.Storage.Pipeline;

namespace Vigil.Storage.Queues;

/// <summary>The Queue service's XML: the &lt;QueueMessage&gt; request body and the &lt;QueueMessagesList&gt; responses.</summary>
internal static class QueueXml
{
    /// <summary>
    /// The message text XML-escaped, carriage returns included (entitised so XML parsing keeps them).
    /// Characters XML cannot carry at all (most C0 controls) are rejected with an ArgumentException.
    /// </summary>
    public static BinaryData MessageBody(string messageText)
    {
        var settings = new XmlWriterSettings
        {
            OmitXmlDeclaration = true,
            Encoding = new UTF8Encoding(false),
            NewLineHandling = NewLineHandling.Entitize,
        };
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, settings))
        {
            writer.WriteStartElement("QueueMessage");
            writer.WriteElementString("MessageText", messageText);
            writer.WriteEndElement();
        }

        return new BinaryData(buffer.ToArray());
    }

    public static IReadOnlyList<XElement> Messages(Response response)
    {
        var content = response.Content;
        if (content.ToMemory().IsEmpty)
        {
            return [];
        }

        // Load from bytes, not a string: the service starts its XML with a UTF-8 byte order mark.
        using var stream = content.ToStream();
        return XDocument.Load(stream).Root?.Elements("QueueMessage").ToList() ?? [];
    }

    public static SendReceipt SendReceipt(XElement sent) => new(
        Text(sent, "MessageId"),
        Text(sent, "PopReceipt"),
        Time(sent, "InsertionTime"),
        Time(sent, "ExpirationTime"),
        Time(sent, "TimeNextVisible"));

    public static PeekedMessage PeekedMessage(XElement message) => new(
        Text(message, "MessageId"),
        Long(message, "DequeueCount"),
        Time(message, "InsertionTime"),
        Time(message, "ExpirationTime"),
        Text(message, "MessageText"));

    /// <summary>A received message: what a peek shows plus the pop receipt and the next visibility.</summary>
    public static QueueMessage ReceivedMessage(XElement message)
    {
        var peeked = PeekedMessage(message);
        return new QueueMessage(
            peeked.MessageId,
            Text(message, "PopReceipt"),
            peeked.DequeueCount,
            peeked.InsertedOn,
            peeked.ExpiresOn,
            Time(message, "TimeNextVisible"),
            peeked.MessageText);
    }

    private static string Text(XElement message, string name) =>
        message.Element(name)?.Value ?? throw new FormatException($"The queue response has no <{name}>.");

    private static DateTimeOffset Time(XElement message, string name) => StorageHeaders.ParseHttpDate(Text(message, name));

    private static long Long(XElement message, string name) =>
        long.Parse(Text(message, name), NumberStyles.Integer, CultureInfo.InvariantCulture);
}
