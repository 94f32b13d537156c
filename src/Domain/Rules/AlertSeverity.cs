namespace Vigil.Domain.Rules;

/// <summary>How bad an alert is, lowest first (the order matters: the highest level crossed wins).</summary>
public enum AlertSeverity
{
    Info = 1,
    Warning = 2,
    Error = 3,
    Critical = 4,
}

public static class AlertSeverityText
{
    public static readonly IReadOnlyList<string> Names = ["info", "warning", "error", "critical"];

    public static string ToText(this AlertSeverity severity) => severity switch
    {
        AlertSeverity.Info => "info",
        AlertSeverity.Warning => "warning",
        AlertSeverity.Error => "error",
        _ => "critical",
    };

    public static bool TryParse(string? text, out AlertSeverity severity)
    {
        severity = text switch
        {
            "info" => AlertSeverity.Info,
            "warning" => AlertSeverity.Warning,
            "error" => AlertSeverity.Error,
            "critical" => AlertSeverity.Critical,
            _ => 0,
        };
        return severity != 0;
    }
}
