using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Vigil.DevHost.Config;

/// <summary>
/// Applies the configuration document at start (<c>--config FILE</c>, default config/vigil.sample.yaml) with
/// <c>PUT /api/config</c> and the master key, as an operator would. A document Vigil rejects stops DevHost with
/// every validation error printed (path, line, reason).
/// </summary>
public static class ConfigApplier
{
    /// <summary>The value of <c>--config</c> that skips applying a document.</summary>
    public const string None = "none";

    public static string? Resolve(string? option, string? repoRoot)
    {
        if (string.Equals(option, None, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (option is not null)
        {
            return File.Exists(option) ? Path.GetFullPath(option) : throw new FileNotFoundException($"--config {option}: no such file.");
        }

        var sample = repoRoot is null ? null : Path.Combine(repoRoot, "config", "vigil.sample.yaml");
        return sample is not null && File.Exists(sample) ? sample : null;
    }

    public static async Task<string> ApplyAsync(Uri baseAddress, string masterKey, string file, CancellationToken cancellationToken)
    {
        var document = await File.ReadAllTextAsync(file, cancellationToken);
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/config")
        {
            Content = new StringContent(document, Encoding.UTF8, file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "application/json" : "application/yaml"),
        };
        request.Headers.Add("x-functions-key", masterKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            using var json = JsonDocument.Parse(body);
            var version = json.RootElement.GetProperty("version").GetInt64();
            return string.Create(CultureInfo.InvariantCulture, $"Configuration {file} applied (version {version}).");
        }

        throw new InvalidOperationException(Describe(file, (int)response.StatusCode, body));
    }

    /// <summary>The rejection as lines a person can act on: <c>file:line: path: reason</c>.</summary>
    public static string Describe(string file, int status, string body)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"the configuration {file} was rejected ({status})");
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("detail", out var detail))
            {
                text.Append(": ").Append(detail.GetString());
            }

            if (json.RootElement.TryGetProperty("errors", out var errors))
            {
                foreach (var error in errors.EnumerateArray())
                {
                    var line = error.TryGetProperty("line", out var l) ? l.GetInt32().ToString(CultureInfo.InvariantCulture) : "?";
                    var item = error.TryGetProperty("item", out var i) ? i.GetString() : null;
                    text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {file}:{line}: {(item is null ? string.Empty : item + ": ")}{error.GetProperty("reason").GetString()}");
                }
            }
        }
        catch (JsonException)
        {
            text.Append(": ").Append(body.Length > 500 ? body[..500] : body);
        }

        return text.ToString();
    }
}
