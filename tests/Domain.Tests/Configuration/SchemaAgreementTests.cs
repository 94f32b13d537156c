using System.Reflection;
using System.Text.Json;
using Vigil.Domain.Configuration;
using Vigil.Domain.Configuration.Validation;

namespace Vigil.Domain.Tests.Configuration;

/// <summary>docs/config.schema.json and the readers' <see cref="ConfigShape"/>s name the same keys, object by object.</summary>
public sealed class SchemaAgreementTests
{
    private static readonly JsonElement Definitions = LoadDefinitions();

    public static TheoryData<string> ShapeNames()
    {
        var data = new TheoryData<string>();
        foreach (var shape in AllShapes())
        {
            data.Add(shape.SchemaName);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void Schema_DefinitionOfEachShape_HasExactlyTheReaderKeys(string schemaName)
    {
        var shape = AllShapes().Single(s => s.SchemaName == schemaName);
        Assert.True(Definitions.TryGetProperty(schemaName, out var definition), $"docs/config.schema.json has no $defs/{schemaName}");

        var schemaKeys = definition.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(shape.Keys.Order(StringComparer.Ordinal).ToList(), schemaKeys);
        Assert.False(definition.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public void Schema_ObjectDefinitions_AllHaveAShape()
    {
        var shapeNames = AllShapes().Select(s => s.SchemaName).ToHashSet(StringComparer.Ordinal);
        var withoutShape = Definitions.EnumerateObject()
            .Where(d => d.Value.TryGetProperty("properties", out _) && !shapeNames.Contains(d.Name))
            .Select(d => d.Name)
            .ToList();

        Assert.Empty(withoutShape);
    }

    [Fact]
    public void Documentation_MentionsEveryKey()
    {
        var doc = File.ReadAllText(RepositoryPaths.Of("docs", "configuration.md"));

        var missing = AllShapes().SelectMany(s => s.Keys.Select(k => (s.SchemaName, Key: k)))
            .Where(p => !doc.Contains("`" + p.Key + "`", StringComparison.Ordinal))
            .Select(p => p.SchemaName + "." + p.Key)
            .ToList();
        Assert.Empty(missing);
    }

    private static List<ConfigShape> AllShapes() =>
        [.. typeof(ConfigReader).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.FieldType == typeof(ConfigShape))
            .Select(f => (ConfigShape)f.GetValue(null)!)];

    private static JsonElement LoadDefinitions()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Of("docs", "config.schema.json")));
        return document.RootElement.GetProperty("$defs").Clone();
    }
}
