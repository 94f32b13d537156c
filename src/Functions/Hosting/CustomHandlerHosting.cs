using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Console;

namespace Vigil.Functions.Hosting;

/// <summary>How the Functions host runs us: port from <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, loopback only, one-line JSON logs.</summary>
public static class CustomHandlerHosting
{
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static WebApplicationBuilder AddCustomHandlerHosting(this WebApplicationBuilder builder)
    {
        var portText = builder.Configuration[PortVariable];
        if (string.IsNullOrWhiteSpace(portText))
        {
            throw new InvalidOperationException(
                $"{PortVariable} is not set. The handler is started by the Azure Functions host or by DevHost (dotnet run --project src/DevHost), which set it.");
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort)
        {
            throw new InvalidOperationException($"{PortVariable} is '{portText}', not a TCP port number.");
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = InvocationEndpoints.MaxEnvelopeBytes;
        });

        // stdout lines become Information logs and stderr lines Error logs in the host, one record per line.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = false;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            options.JsonWriterOptions = new JsonWriterOptions { Indented = false };
        });
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        return builder;
    }
}
