namespace Vigil.Domain.Configuration.Validation;

/// <summary>
/// Which app settings exist, for documents that name them (<c>webhookUrl: "%SLACK_WEBHOOK_URL%"</c>). Only
/// existence is asked: a setting's value (a secret) never enters the configuration.
/// </summary>
public interface IConfigSettings
{
    bool Exists(string name);
}
