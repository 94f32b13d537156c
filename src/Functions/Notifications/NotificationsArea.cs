using Vigil.Functions.FunctionApp.DispatchEmail;
using Vigil.Functions.FunctionApp.DispatchLog;
using Vigil.Functions.FunctionApp.DispatchPagerDuty;
using Vigil.Functions.FunctionApp.DispatchSlack;
using Vigil.Functions.FunctionApp.DispatchWebhook;
using Vigil.Functions.FunctionApp.FlushNotifications;
using Vigil.Functions.FunctionApp.NotificationsList;
using Vigil.Functions.FunctionApp.ReceiverTest;
using Vigil.Functions.FunctionApp.RouteAlerts;
using Vigil.Functions.FunctionApp.SilenceCreate;
using Vigil.Functions.FunctionApp.SilenceExpire;
using Vigil.Functions.FunctionApp.SilencesList;
using Vigil.Domain.Configuration.Validation;
using Vigil.Functions.Alerts.Muting;
using Vigil.Functions.Notifications.Config;
using Vigil.Functions.Notifications.Delivery;
using Vigil.Functions.Notifications.Grouping;
using Vigil.Functions.Notifications.Muting;
using Vigil.Functions.Notifications.Notifiers;
using Vigil.Functions.Notifications.Routing;
using Vigil.Functions.Notifications.Silences;

namespace Vigil.Functions.Notifications;

/// <summary>Routing, grouping, silences, inhibition and the dispatchers (issue "Notifications").</summary>
public static class NotificationsArea
{
    public static IServiceCollection AddNotificationsArea(this IServiceCollection services)
    {
        // The notifier client logs nothing: the default handlers would log request URLs, which hold secrets.
        services.AddHttpClient(HttpPoster.ClientName).RemoveAllLoggers();
        services.AddSingleton<IConfigSettings, AppSettingsLookup>();
        services.AddSingleton<RoutedAlertStore>();
        services.AddSingleton<GroupStore>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<AttemptLog>();
        services.AddSingleton<SilenceStore>();
        services.AddSingleton<MuteContextFactory>();
        services.AddSingleton<IAlertMuteStatus>(sp => sp.GetRequiredService<MuteContextFactory>());
        services.AddSingleton<GroupFlusher>();
        services.AddSingleton<AlertRouter>();
        services.AddSingleton<IJitter, CryptoJitter>();
        services.AddSingleton<HttpPoster>();
        services.AddSingleton<SettingsSecrets>();
        services.AddSingleton<INotifier, SlackNotifier>();
        services.AddSingleton<INotifier, PagerDutyNotifier>();
        services.AddSingleton<INotifier, EmailNotifier>();
        services.AddSingleton<INotifier, WebhookNotifier>();
        services.AddSingleton<INotifier, LogNotifier>();
        services.AddSingleton<DeliveryProcessor>();
        services.AddSingleton<NotificationSweep>();
        services.AddFunction<RouteAlertsFunction>();
        services.AddFunction<FlushNotificationsFunction>();
        services.AddFunction<DispatchSlackFunction>();
        services.AddFunction<DispatchPagerDutyFunction>();
        services.AddFunction<DispatchEmailFunction>();
        services.AddFunction<DispatchWebhookFunction>();
        services.AddFunction<DispatchLogFunction>();
        services.AddFunction<SilenceCreateFunction>();
        services.AddFunction<SilencesListFunction>();
        services.AddFunction<SilenceExpireFunction>();
        services.AddFunction<NotificationsListFunction>();
        services.AddFunction<ReceiverTestFunction>();
        return services;
    }
}
