using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Vigil.Deployment.Tests.Bicep;
using Vigil.Testing;

namespace Vigil.Deployment.Tests.Support;

/// <summary>The repository's deployment-relevant files, read as the tests need them (nothing hard-coded per function or queue).</summary>
public static partial class DeploymentFiles
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static string Root => RepoPaths.RepoRoot;

    public static string BicepDirectory => Path.Combine(Root, "infra", "bicep");

    public static string FunctionAppSources => Path.Combine(Root, "src", "Functions", "FunctionApp");

    public static BicepSource MainBicep => BicepSource.Load(Path.Combine(BicepDirectory, "main.bicep"));

    public static BicepSource Module(string name) => BicepSource.Load(Path.Combine(BicepDirectory, "modules", name));

    public static IReadOnlyList<BicepSource> AllBicep =>
        Directory.EnumerateFiles(BicepDirectory, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(BicepSource.Load).ToList();

    public static JsonObject ReadObject(string path) =>
        JsonNode.Parse(File.ReadAllText(path), documentOptions: Lenient) as JsonObject ?? throw new InvalidOperationException($"{path} is not a JSON object.");

    /// <summary>infra/bicep/queues.json.</summary>
    public static IReadOnlyList<JsonObject> Queues =>
        (ReadObject(Path.Combine(BicepDirectory, "queues.json"))["queues"] as JsonArray ?? throw new InvalidOperationException("queues.json has no \"queues\" array."))
            .Select(q => q as JsonObject ?? throw new InvalidOperationException("queues.json: a queue is not an object."))
            .ToList();

    /// <summary>infra/bicep/appsettings.json "settings": plain app settings for Azure.</summary>
    public static IReadOnlyDictionary<string, string> BicepPlainSettings =>
        (ReadObject(Path.Combine(BicepDirectory, "appsettings.json"))["settings"] as JsonObject ?? [])
            .ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty, StringComparer.Ordinal);

    /// <summary>infra/bicep/appsettings.json "secrets": settings that are Key Vault references.</summary>
    public static IReadOnlyList<string> BicepSecretSettings =>
        (ReadObject(Path.Combine(BicepDirectory, "appsettings.json"))["secrets"] as JsonArray ?? [])
            .Select(s => s!.GetValue<string>())
            .ToList();

    /// <summary>The identity-based connection settings main.bicep builds (functionapp.bicep, var connectionSettings).</summary>
    public static IReadOnlyList<string> BicepConnectionSettings => Module("functionapp.bicep").ObjectKeysAfter("var connectionSettings =");

    /// <summary>Every app setting name the Bicep gives the function app.</summary>
    public static ISet<string> BicepSettingNames =>
        BicepConnectionSettings.Concat(BicepPlainSettings.Keys).Concat(BicepSecretSettings).ToHashSet(StringComparer.Ordinal);

    /// <summary>local.settings.sample.json Values.</summary>
    public static IReadOnlyDictionary<string, string> SampleSettings =>
        (ReadObject(Path.Combine(Root, "local.settings.sample.json"))["Values"] as JsonObject ?? [])
            .ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every src/Functions/FunctionApp/&lt;Name&gt;/function.json.</summary>
    public static IReadOnlyList<FunctionManifest> Functions => LoadFunctions(FunctionAppSources);

    public static IReadOnlyList<FunctionManifest> LoadFunctions(string directory) =>
        Directory.EnumerateDirectories(directory)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Order(StringComparer.Ordinal)
            .Select(d => FunctionManifest.Load(Path.Combine(d, "function.json")))
            .ToList();

    public static string ReadDoc(string relativePath)
    {
        var path = Path.Combine(Root, relativePath);
        return File.Exists(path) ? File.ReadAllText(path) : string.Empty;
    }

    [GeneratedRegex("%(?<name>[A-Za-z0-9_:.\\-]+)%")]
    public static partial Regex SettingToken();
}

/// <summary>One function.json: its function name (folder) and bindings.</summary>
public sealed record FunctionManifest(string Name, string Path, IReadOnlyList<JsonObject> Bindings)
{
    public static FunctionManifest Load(string path)
    {
        var json = DeploymentFiles.ReadObject(path);
        var bindings = (json["bindings"] as JsonArray ?? throw new InvalidOperationException($"{path}: no \"bindings\" array."))
            .Select(b => b as JsonObject ?? throw new InvalidOperationException($"{path}: a binding is not an object."))
            .ToList();
        return new FunctionManifest(System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(path)!), path, bindings);
    }

    public IEnumerable<string> BindingTypes => Bindings.Select(b => b["type"]?.GetValue<string>() ?? string.Empty);

    /// <summary>Service Bus queues the function triggers on or writes to.</summary>
    public IEnumerable<string> QueueNames => Bindings
        .Where(b => IsServiceBus(b))
        .Select(b => b["queueName"]?.GetValue<string>())
        .OfType<string>();

    /// <summary>%NAME% tokens anywhere in the bindings (the host resolves them from app settings).</summary>
    public IEnumerable<string> SettingTokens => Bindings
        .SelectMany(b => b.Select(p => p.Value))
        .Where(v => v is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        .SelectMany(v => DeploymentFiles.SettingToken().Matches(v!.GetValue<string>()).Select(m => m.Groups["name"].Value));

    /// <summary>(connection name, binding type) of every binding that names a connection.</summary>
    public IEnumerable<(string Connection, string Type)> Connections => Bindings
        .Where(b => b["connection"] is not null)
        .Select(b => (b["connection"]!.GetValue<string>(), b["type"]?.GetValue<string>() ?? string.Empty));

    public static bool IsServiceBus(JsonObject binding) =>
        binding["type"]?.GetValue<string>() is { } type && type.StartsWith("serviceBus", StringComparison.OrdinalIgnoreCase);
}
