using System.Net;
using Vigil.Domain.Configuration.Validation;
using Vigil.Domain.Configuration;
using Vigil.Functions.Alerts.Api;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Alerts.Evaluation;
using Vigil.Functions.Hosting;
using Vigil.Storage.Tables;

namespace Vigil.Functions.FunctionApp.ConfigApply;

/// <summary>
/// <c>PUT /api/config</c> (admin key): validates the whole document and stores it as the next version (nothing
/// is stored unless all of it is valid); answers the plan that was applied. Alerts of removed or renamed rules
/// are resolved at once (resolved events). Applying the document already in force changes nothing.
/// </summary>
public sealed partial class ConfigApplyFunction : HttpFunction
{
    private readonly ConfigStore _store;
    private readonly ConfigProvider _provider;
    private readonly AlertEvaluator _evaluator;
    private readonly TimeProvider _time;
    private readonly ILogger<ConfigApplyFunction> _logger;
    private readonly IConfigSettings _settings;

    public ConfigApplyFunction(ConfigStore store, ConfigProvider provider, AlertEvaluator evaluator, TimeProvider time, ILogger<ConfigApplyFunction> logger, IConfigSettings settings)
    {
        _store = store;
        _provider = provider;
        _evaluator = evaluator;
        _time = time;
        _logger = logger;
        _settings = settings;
    }

    public override string Name => "ConfigApply";

    protected override async Task<HttpResponseData> HandleAsync(HttpTriggerRequest request, InvocationResult outputs, CancellationToken cancellationToken)
    {
        if (!ConfigDocumentRequests.TryRead(request, _settings, out var document, out var result, out var problem))
        {
            LogRejected(_logger, result?.Errors.Count ?? 0);
            return problem!;
        }

        var config = result!.Config!;
        var (plan, current) = await _store.PlanAsync(config, cancellationToken);
        var now = _time.GetUtcNow();
        StoredConfig stored;
        if (current is not null && current.Sha256 == ConfigStore.Hash(document))
        {
            stored = current;
        }
        else
        {
            try
            {
                stored = await _store.SaveAsync(document, [.. config.RulesByName.Keys], current, now, cancellationToken);
            }
            catch (TableConflictException)
            {
                return HttpResponseData.Problem(HttpStatusCode.Conflict, "Concurrent change", "Another configuration was applied while this one was being checked; nothing was applied. Retry.");
            }

            LogApplied(_logger, stored.Version, plan.Created.Count(), plan.Changed.Count(), plan.Removed.Count());
        }

        _provider.Use(stored, config);
        var resolved = await _evaluator.RetireRemovedAsync(config.RulesByName.Keys.ToHashSet(StringComparer.Ordinal), now, outputs, cancellationToken);
        return HttpResponseData.Json(HttpStatusCode.OK, new
        {
            version = stored.Version,
            sha256 = stored.Sha256,
            appliedAt = stored.AppliedAt,
            plan = ConfigDocumentRequests.Describe(plan, current?.Version),
            resolvedAlerts = resolved.Count(e => e.State == "resolved"),
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration version {Version} applied: {Created} created, {Changed} changed, {Removed} removed")]
    private static partial void LogApplied(ILogger logger, long version, int created, int changed, int removed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration rejected with {Errors} errors")]
    private static partial void LogRejected(ILogger logger, int errors);
}
