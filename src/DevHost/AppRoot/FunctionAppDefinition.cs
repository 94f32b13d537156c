using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vigil.DevHost.AppRoot;

/// <summary>A function app root that cannot be run: which file, what is wrong.</summary>
public sealed class FunctionAppDefinitionException : Exception
{
    public FunctionAppDefinitionException(string file, string problem)
        : base($"{file}: {problem}")
    {
        File = file;
        Problem = problem;
    }

    public FunctionAppDefinitionException()
    {
        File = string.Empty;
        Problem = string.Empty;
    }

    public FunctionAppDefinitionException(string message)
        : this(string.Empty, message)
    {
    }

    public FunctionAppDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = string.Empty;
        Problem = message;
    }

    public string File { get; }

    public string Problem { get; }
}

/// <summary>What host.json says about the custom handler and the bindings' host-wide settings.</summary>
public sealed record HostDefinition(
    string DefaultExecutablePath,
    string WorkingDirectory,
    IReadOnlyList<string> Arguments,
    bool EnableForwardingHttpRequest,
    string RoutePrefix,
    TimeSpan FunctionTimeout,
    int MaxConcurrentCalls);

public enum AuthLevel
{
    Anonymous,
    Function,
    Admin,
}

public abstract record TriggerBinding(string Name);

public sealed record HttpTriggerBinding(string Name, AuthLevel AuthLevel, IReadOnlyList<string> Methods, string Route) : TriggerBinding(Name);

public sealed record TimerTriggerBinding(string Name, string Schedule, bool RunOnStartup, bool UseMonitor) : TriggerBinding(Name);

public sealed record ServiceBusTriggerBinding(string Name, string QueueName, string Connection) : TriggerBinding(Name);

public abstract record OutputBinding(string Name);

public sealed record HttpOutputBinding(string Name) : OutputBinding(Name);

public sealed record ServiceBusOutputBinding(string Name, string QueueName, string Connection, bool Binary) : OutputBinding(Name);

/// <summary>One function: its folder name, trigger and outputs, from its function.json.</summary>
public sealed record FunctionDefinition(string Name, string FunctionJsonPath, TriggerBinding Trigger, IReadOnlyList<OutputBinding> Outputs)
{
    public HttpOutputBinding? HttpOutput => Outputs.OfType<HttpOutputBinding>().FirstOrDefault();
}

/// <summary>
/// A function app root read the way the Functions host reads it: host.json plus every folder that holds a
/// function.json. Anything DevHost could not run faithfully is an error naming the file.
/// </summary>
public sealed record FunctionAppDefinition(string ScriptRoot, HostDefinition Host, IReadOnlyList<FunctionDefinition> Functions)
{
    public static readonly IReadOnlySet<string> SupportedBindingTypes =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "httpTrigger", "http", "timerTrigger", "serviceBusTrigger", "serviceBus" };

    public IEnumerable<string> QueueNames =>
        Functions.SelectMany(f => f.Outputs.OfType<ServiceBusOutputBinding>().Select(o => o.QueueName)
                .Concat(f.Trigger is ServiceBusTriggerBinding t ? [t.QueueName] : []))
            .Distinct(StringComparer.Ordinal);

    public static FunctionAppDefinition Load(string scriptRoot)
    {
        var root = Path.GetFullPath(scriptRoot);
        if (!Directory.Exists(root))
        {
            throw new FunctionAppDefinitionException(root, "the script root does not exist (build the handler or pass --script-root <folder with host.json>)");
        }

        var host = LoadHost(Path.Combine(root, "host.json"));
        var functions = new List<FunctionDefinition>();
        foreach (var directory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(directory, "function.json");
            if (File.Exists(file))
            {
                if (LoadFunction(Path.GetFileName(directory), file) is { } function)
                {
                    functions.Add(function);
                }
            }
        }

        if (functions.Count == 0)
        {
            throw new FunctionAppDefinitionException(root, "no <FunctionName>/function.json folder found: this is not a function app root");
        }

        return new FunctionAppDefinition(root, host, functions);
    }

    private static HostDefinition LoadHost(string file)
    {
        var json = ReadObject(file, "the function app root has no host.json");
        var version = json["version"]?.GetValue<string>();
        if (version != "2.0")
        {
            throw new FunctionAppDefinitionException(file, $"\"version\" must be \"2.0\" (found {(version is null ? "none" : $"\"{version}\"")})");
        }

        if (json["customHandler"] is not JsonObject customHandler || customHandler["description"] is not JsonObject description)
        {
            throw new FunctionAppDefinitionException(file, "\"customHandler.description\" is missing: Vigil runs as a custom handler");
        }

        var executable = ReadString(description, "defaultExecutablePath", file, required: true)!;
        var workingDirectory = ReadString(description, "workingDirectory", file, required: false) ?? string.Empty;
        var arguments = description["arguments"] switch
        {
            null => [],
            JsonArray array => array.Select(a => a?.GetValueKind() == JsonValueKind.String ? a.GetValue<string>() : throw new FunctionAppDefinitionException(file, "\"customHandler.description.arguments\" must be an array of strings")).ToList(),
            _ => throw new FunctionAppDefinitionException(file, "\"customHandler.description.arguments\" must be an array of strings"),
        };
        var forwarding = customHandler["enableForwardingHttpRequest"]?.GetValueKind() == JsonValueKind.True;

        var routePrefix = json["extensions"]?["http"]?["routePrefix"]?.GetValue<string>() ?? "api";
        var timeoutText = json["functionTimeout"]?.GetValue<string>();
        var timeout = TimeSpan.FromMinutes(30);
        if (timeoutText is not null && !TimeSpan.TryParse(timeoutText, CultureInfo.InvariantCulture, out timeout))
        {
            throw new FunctionAppDefinitionException(file, $"\"functionTimeout\" '{timeoutText}' is not a time span (hh:mm:ss)");
        }

        var maxConcurrent = json["extensions"]?["serviceBus"]?["maxConcurrentCalls"] is JsonValue mc && mc.TryGetValue<int>(out var calls) && calls > 0
            ? calls
            : 16 * Environment.ProcessorCount;
        return new HostDefinition(executable, workingDirectory, arguments, forwarding, routePrefix.Trim('/'), timeout, maxConcurrent);
    }

    private static FunctionDefinition? LoadFunction(string name, string file)
    {
        var json = ReadObject(file, "missing");
        if (json["disabled"]?.GetValueKind() == JsonValueKind.True)
        {
            return null;
        }

        if (json["bindings"] is not JsonArray bindings || bindings.Count == 0)
        {
            throw new FunctionAppDefinitionException(file, "\"bindings\" must be a non-empty array");
        }

        TriggerBinding? trigger = null;
        var outputs = new List<OutputBinding>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < bindings.Count; i++)
        {
            if (bindings[i] is not JsonObject binding)
            {
                throw new FunctionAppDefinitionException(file, $"bindings[{i}] is not an object");
            }

            var type = ReadString(binding, "type", file, required: true, path: $"bindings[{i}]")!;
            var direction = ReadString(binding, "direction", file, required: true, path: $"bindings[{i}]")!;
            var bindingName = ReadString(binding, "name", file, required: true, path: $"bindings[{i}]")!;
            if (!names.Add(bindingName))
            {
                throw new FunctionAppDefinitionException(file, $"bindings[{i}].name '{bindingName}' is used twice");
            }

            if (!SupportedBindingTypes.Contains(type))
            {
                throw new FunctionAppDefinitionException(file, $"bindings[{i}].type '{type}' is not supported (DevHost runs {string.Join(", ", SupportedBindingTypes)})");
            }

            var isIn = direction.Equals("in", StringComparison.OrdinalIgnoreCase);
            var isOut = direction.Equals("out", StringComparison.OrdinalIgnoreCase);
            if (!isIn && !isOut)
            {
                throw new FunctionAppDefinitionException(file, $"bindings[{i}].direction '{direction}' must be \"in\" or \"out\"");
            }

            var path = $"bindings[{i}]";
            if (type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
            {
                if (!isIn)
                {
                    throw new FunctionAppDefinitionException(file, $"{path}: a trigger's direction must be \"in\"");
                }

                if (trigger is not null)
                {
                    throw new FunctionAppDefinitionException(file, $"{path}: a function has exactly one trigger");
                }

                trigger = type.ToUpperInvariant() switch
                {
                    "HTTPTRIGGER" => new HttpTriggerBinding(
                        bindingName,
                        ParseAuthLevel(ReadString(binding, "authLevel", file, required: false, path: path), file, path),
                        binding["methods"] is JsonArray methods ? [.. methods.Select(m => m!.GetValue<string>().ToUpperInvariant())] : [],
                        (ReadString(binding, "route", file, required: false, path: path) ?? name).Trim('/')),
                    "TIMERTRIGGER" => new TimerTriggerBinding(
                        bindingName,
                        ReadString(binding, "schedule", file, required: true, path: path)!,
                        binding["runOnStartup"]?.GetValueKind() == JsonValueKind.True,
                        binding["useMonitor"]?.GetValueKind() != JsonValueKind.False),
                    _ => new ServiceBusTriggerBinding(
                        bindingName,
                        ReadQueueName(binding, file, path),
                        ReadString(binding, "connection", file, required: true, path: path)!),
                };
                if (binding["cardinality"]?.GetValue<string>() is { } cardinality && !cardinality.Equals("one", StringComparison.OrdinalIgnoreCase))
                {
                    throw new FunctionAppDefinitionException(file, $"{path}.cardinality '{cardinality}' is not supported by DevHost (use \"one\")");
                }
            }
            else if (isOut)
            {
                outputs.Add(type.Equals("http", StringComparison.OrdinalIgnoreCase)
                    ? new HttpOutputBinding(bindingName)
                    : new ServiceBusOutputBinding(
                        bindingName,
                        ReadQueueName(binding, file, path),
                        ReadString(binding, "connection", file, required: true, path: path)!,
                        string.Equals(ReadString(binding, "dataType", file, required: false, path: path), "binary", StringComparison.OrdinalIgnoreCase)));
            }
            else
            {
                throw new FunctionAppDefinitionException(file, $"{path}: '{type}' input bindings are not supported");
            }
        }

        if (trigger is null)
        {
            throw new FunctionAppDefinitionException(file, "no trigger binding: every function needs exactly one");
        }

        if (trigger is HttpTriggerBinding && !outputs.OfType<HttpOutputBinding>().Any())
        {
            throw new FunctionAppDefinitionException(file, "an httpTrigger function needs an \"http\" output binding");
        }

        return new FunctionDefinition(name, file, trigger, outputs);
    }

    private static string ReadQueueName(JsonObject binding, string file, string path)
    {
        if (binding["topicName"] is not null)
        {
            throw new FunctionAppDefinitionException(file, $"{path}: topics are not supported (use queueName)");
        }

        return ReadString(binding, "queueName", file, required: true, path: path)!;
    }

    private static AuthLevel ParseAuthLevel(string? value, string file, string path) => value?.ToUpperInvariant() switch
    {
        null or "FUNCTION" => AuthLevel.Function,
        "ANONYMOUS" => AuthLevel.Anonymous,
        "ADMIN" => AuthLevel.Admin,
        _ => throw new FunctionAppDefinitionException(file, $"{path}.authLevel '{value}' must be anonymous, function or admin"),
    };

    private static JsonObject ReadObject(string file, string missingProblem)
    {
        if (!File.Exists(file))
        {
            throw new FunctionAppDefinitionException(file, missingProblem);
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new FunctionAppDefinitionException(file, "the file is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new FunctionAppDefinitionException(file, $"not valid JSON at line {ex.LineNumber + 1}: {ex.Message.Split(". ")[0]}");
        }
    }

    private static string? ReadString(JsonObject obj, string property, string file, bool required, string? path = null)
    {
        var where = path is null ? property : $"{path}.{property}";
        switch (obj[property])
        {
            case null when required:
                throw new FunctionAppDefinitionException(file, $"\"{where}\" is missing");
            case null:
                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                return required && string.IsNullOrWhiteSpace(text)
                    ? throw new FunctionAppDefinitionException(file, $"\"{where}\" is empty")
                    : text;
            default:
                throw new FunctionAppDefinitionException(file, $"\"{where}\" must be a string");
        }
    }
}
