using Vigil.Functions.Alerts.Api;
using Vigil.Functions.Alerts.Config;
using Vigil.Functions.Alerts.Evaluation;
using Vigil.Functions.Alerts.History;
using Vigil.Functions.Alerts.State;
using Vigil.Functions.Alerts.Status;
using Vigil.Functions.FunctionApp.AlertsHistory;
using Vigil.Functions.FunctionApp.AlertsList;
using Vigil.Functions.FunctionApp.AlertSweep;
using Vigil.Functions.FunctionApp.ConfigApply;
using Vigil.Functions.FunctionApp.ConfigPlan;
using Vigil.Functions.FunctionApp.ConfigRead;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Functions.Metrics;

namespace Vigil.Functions.Alerts;

/// <summary>Rules, alert lifecycle and configuration as code (issue "Rules and alert lifecycle").</summary>
public static class AlertsArea
{
    public static IServiceCollection AddAlertsArea(this IServiceCollection services)
    {
        services.AddSingleton<ConfigStore>();
        services.AddSingleton<ConfigProvider>();
        services.AddSingleton<AlertStateStore>();
        services.AddSingleton<AlertHistoryStore>();
        services.AddSingleton<AlertEvaluator>();
        services.AddSingleton<AlertLister>(); // needs an IAlertMuteStatus (the notifications area registers it)
        services.AddSingleton<IComponentStatusSource, SystemHealthStatusSource>();
        services.AddSingleton<ISeriesUpdateObserver, AlertsSeriesObserver>();
        services.AddFunction<ConfigApplyFunction>();
        services.AddFunction<ConfigPlanFunction>();
        services.AddFunction<ConfigReadFunction>();
        services.AddFunction<AlertsListFunction>();
        services.AddFunction<AlertsHistoryFunction>();
        services.AddFunction<AlertSweepFunction>();
        return services;
    }
}
