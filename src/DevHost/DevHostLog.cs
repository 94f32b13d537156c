using System.Collections.Concurrent;

namespace Vigil.DevHost;

/// <summary>
/// DevHost's console: its own lines and the handler's (stdout as information, stderr as errors, one record per
/// line, as the Functions host treats them). Keeps recent lines so tests can read what was logged.
/// </summary>
public sealed class DevHostLog
{
    private const int Capacity = 20_000;
    private readonly ConcurrentQueue<string> _recent = new();
    private readonly Action<string>? _writer;
    private readonly Lock _gate = new();

    public DevHostLog(Action<string>? writer) => _writer = writer;

    public event Action<string>? LineWritten;

    public IReadOnlyList<string> Recent => [.. _recent];

    public void Info(string message) => Write("devhost", message);

    public void Error(string message) => Write("devhost ERROR", message);

    public void Handler(string line, bool isError) => Write(isError ? "handler ERROR" : "handler", line);

    private void Write(string source, string message)
    {
        var line = $"[{DateTimeOffset.UtcNow:HH:mm:ss.fff}] [{source}] {message}";
        _recent.Enqueue(line);
        while (_recent.Count > Capacity && _recent.TryDequeue(out _))
        {
        }

        lock (_gate)
        {
            _writer?.Invoke(line);
        }

        LineWritten?.Invoke(line);
    }
}
