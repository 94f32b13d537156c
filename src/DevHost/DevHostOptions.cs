using System.Reflection;

namespace Vigil.DevHost;

/// <summary>How DevHost runs. Every option has a command-line flag (see <see cref="Parse"/> and README).</summary>
public sealed class DevHostOptions
{
    /// <summary>The function app root (host.json + function folders + handler). Default: the handler's build output.</summary>
    public string? ScriptRoot { get; set; }

    /// <summary>local.settings.json to read. Default: script root's, then the repository's, then the sample.</summary>
    public string? SettingsFile { get; set; }

    /// <summary>Settings that win over the file (tests use them for fast schedules, keys, stand-in URLs).</summary>
    public Dictionary<string, string> SettingOverrides { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where HTTP functions listen (127.0.0.1). 0 picks a free port.</summary>
    public int HttpPort { get; set; } = 7071;

    /// <summary>An Azurite (or storage account) to use instead of finding or starting one.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>Where DevHost keeps Azurite's install and data. Default: &lt;repo&gt;/.vigil.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>Queue properties (max delivery count, lock duration). Default: &lt;repo&gt;/infra/bicep/queues.json.</summary>
    public string? QueuesFile { get; set; }

    /// <summary>The configuration document applied at start (issue "Rules"); null = the repository's sample.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>Where DevHost's console lines go.</summary>
    public Action<string>? Output { get; set; } = Console.WriteLine;

    /// <summary>Lift the host's "three crashes in 30 minutes" stop (tests kill the handler on purpose).</summary>
    public bool AllowUnlimitedHandlerRestarts { get; set; }

    /// <summary>The longest an idle queue receiver waits before polling again.</summary>
    public TimeSpan IdlePollLimit { get; set; } = TimeSpan.FromSeconds(1);

    public static DevHostOptions Parse(IReadOnlyList<string> args)
    {
        var options = new DevHostOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--script-root":
                    options.ScriptRoot = Value();
                    break;
                case "--settings":
                    options.SettingsFile = Value();
                    break;
                case "--port":
                    options.HttpPort = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--storage":
                    options.StorageConnectionString = Value();
                    break;
                case "--state-dir":
                    options.StateDirectory = Value();
                    break;
                case "--queues":
                    options.QueuesFile = Value();
                    break;
                case "--config":
                    options.ConfigFile = Value();
                    break;
                case "--set":
                    var pair = Value();
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        throw new ArgumentException("--set takes NAME=VALUE.");
                    }

                    options.SettingOverrides[pair[..eq]] = pair[(eq + 1)..];
                    break;
                case "-h" or "--help":
                    throw new HelpRequestedException();
                default:
                    throw new ArgumentException($"Unknown option '{args[i]}'. Run with --help.");
            }
        }

        return options;
    }

    public const string Usage = """
        Vigil DevHost: runs Vigil locally the way Azure Functions runs it (custom handler + Azurite).

          dotnet run --project src/DevHost [-- options]

          --script-root DIR   function app root to run (default: the handler's build output;
                              pass a published folder to run exactly what ships)
          --settings FILE     local.settings.json (default: script root's, repo's, then the sample)
          --config FILE       configuration document applied at start with PUT /api/config
                              (default: config/vigil.sample.yaml; 'none' applies nothing)
          --port N            HTTP port on 127.0.0.1 (default 7071; 0 = any free port)
          --storage CONN      use this storage connection string instead of Azurite
          --state-dir DIR     where Azurite is installed and keeps its data (default <repo>/.vigil)
          --queues FILE       queue properties (default infra/bicep/queues.json)
          --set NAME=VALUE    override one app setting (repeatable)
        """;

    public static string? BuildMetadata(string key) =>
        typeof(DevHostOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}

public sealed class HelpRequestedException : Exception
{
    public HelpRequestedException()
        : base(DevHostOptions.Usage)
    {
    }

    public HelpRequestedException(string message)
        : base(message)
    {
    }

    public HelpRequestedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
