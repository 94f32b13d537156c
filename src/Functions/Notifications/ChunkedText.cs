using System.Globalization;
using System.Text;
using Vigil.Storage.Tables;

namespace Vigil.Functions.Notifications;

/// <summary>
/// Long text in an entity: split into properties of at most 30,000 characters (a string property holds 64 KiB of
/// UTF-16), <c>{Name}0</c>, <c>{Name}1</c>, ... plus <c>{Name}Chunks</c>. Up to 30 chunks (under the 1 MiB entity limit).
/// </summary>
public static class ChunkedText
{
    public const int ChunkLength = 30_000;
    public const int MaxChunks = 30;

    public static void Put(TableEntity entity, string name, string text)
    {
        var chunks = 0;
        for (var offset = 0; offset < text.Length || chunks == 0; offset += ChunkLength)
        {
            if (chunks == MaxChunks)
            {
                throw new InvalidOperationException($"{name} has {text.Length} characters; at most {ChunkLength * MaxChunks} fit in one entity.");
            }

            entity[name + chunks.ToString(CultureInfo.InvariantCulture)] = text.Substring(offset, Math.Min(ChunkLength, text.Length - offset));
            chunks++;
        }

        entity[name + "Chunks"] = chunks;
    }

    public static string? Get(TableEntity entity, string name)
    {
        if (entity.GetInt32(name + "Chunks") is not { } chunks)
        {
            return null;
        }

        var text = new StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            text.Append(entity.GetString(name + i.ToString(CultureInfo.InvariantCulture)));
        }

        return text.ToString();
    }
}
