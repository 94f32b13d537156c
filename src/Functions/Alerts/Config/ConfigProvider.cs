using Vigil.Domain.Configuration;
using Vigil.Functions.Configuration;

namespace Vigil.Functions.Alerts.Config;

/// <summary>The configuration in force, with its version (0 = none applied yet).</summary>
public sealed record ActiveConfig(VigilConfig Config, long Version, string Sha256, DateTimeOffset? AppliedAt)
{
    public static readonly ActiveConfig None = new(VigilConfig.Empty, 0, string.Empty, null);
}

/// <summary>
/// Hands evaluators the applied configuration, parsed once per version and reused for
/// <see cref="AppSettings.ConfigCacheDuration"/> before checking the stored version again (a point read of one
/// property). A stored document that no longer validates (a newer Vigil is stricter) is not used: the last good
/// one stays in force and the problem is logged.
/// </summary>
public sealed partial class ConfigProvider : IDisposable
{
    private readonly ConfigStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _cacheFor;
    private readonly ILogger<ConfigProvider> _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private ActiveConfig _current = ActiveConfig.None;
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    public ConfigProvider(ConfigStore store, TimeProvider time, SettingsReader settings, ILogger<ConfigProvider> logger)
    {
        _store = store;
        _time = time;
        _cacheFor = settings.GetDuration(AppSettings.ConfigCacheDuration);
        _logger = logger;
    }

    public async Task<ActiveConfig> GetAsync(CancellationToken cancellationToken)
    {
        if (_time.GetUtcNow() - _checkedAt < _cacheFor)
        {
            return _current;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            if (now - _checkedAt < _cacheFor)
            {
                return _current;
            }

            var version = await _store.GetVersionAsync(cancellationToken);
            if (version is { } v && v != _current.Version)
            {
                var stored = await _store.GetAsync(cancellationToken);
                if (stored is not null)
                {
                    Use(stored);
                }
            }

            _checkedAt = now;
            return _current;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Puts a just-applied document in force on this instance at once.</summary>
    public ActiveConfig Use(StoredConfig stored, VigilConfig? parsed = null)
    {
        var config = parsed;
        if (config is null)
        {
            var result = ConfigReader.Load(stored.Document);
            if (!result.IsValid)
            {
                LogStoredInvalid(_logger, stored.Version, result.Errors.Count, result.Errors[0].ToString());
                return _current;
            }

            config = result.Config!;
        }

        config = config.WithRulesWatchingSince(rule => stored.WatchingSince(rule));
        var active = new ActiveConfig(config, stored.Version, stored.Sha256, stored.AppliedAt);
        _current = active;
        _checkedAt = _time.GetUtcNow();
        LogLoaded(_logger, stored.Version, config.Rules.Count);
        return active;
    }

    public void Dispose() => _refresh.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration version {Version} in force with {Rules} rules")]
    private static partial void LogLoaded(ILogger logger, long version, int rules);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored configuration version {Version} does not validate ({Errors} errors, first: {FirstError}); the previous one stays in force")]
    private static partial void LogStoredInvalid(ILogger logger, long version, int errors, string firstError);
}
