using System.Diagnostics;

namespace Vigil.DevHost.Azurite;

/// <summary>Forwards a child process's output lines to a log and keeps the last few for error messages.</summary>
internal sealed class OutputTail(Action<string>? log, int capacity = 30)
{
    private readonly Queue<string> _stderr = new();
    private readonly Queue<string> _stdout = new();
    private readonly Lock _gate = new();

    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Add(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Add(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public bool Contains(string text)
    {
        lock (_gate)
        {
            return _stderr.Concat(_stdout).Any(line => line.Contains(text, StringComparison.Ordinal));
        }
    }

    /// <summary>The last lines of stderr (stdout when stderr is empty), ready to append to a message.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            var (name, lines) = _stderr.Count > 0 ? ("stderr", _stderr) : ("stdout", _stdout);
            return lines.Count == 0
                ? " (the process wrote no output)"
                : $"{Environment.NewLine}Last lines of {name}:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
        }
    }

    private void Add(Queue<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        log?.Invoke(line);
        lock (_gate)
        {
            lines.Enqueue(line);
            while (lines.Count > capacity)
            {
                lines.Dequeue();
            }
        }
    }
}
