using System.Diagnostics;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>Thread-safe collection of a child process's stdout/stderr lines with bounded waiting.</summary>
internal sealed class ProcessOutput
{
    /// <summary>Polling period for waits: short against the ~ms latency of a log line, cheap on 2 cores.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly List<string> lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines)
            {
                return lines.ToArray();
            }
        }
    }

    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Add(e.Data, "");
        process.ErrorDataReceived += (_, e) => Add(e.Data, "stderr: ");
    }

    public async Task<string?> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout, Func<bool>? giveUp = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var match = Lines.FirstOrDefault(predicate);
            if (match is not null || deadline.Elapsed >= timeout || (giveUp?.Invoke() ?? false))
            {
                return match;
            }
            await Task.Delay(PollInterval);
        }
    }

    public async Task<IReadOnlyList<string>> WaitForCountAsync(Func<string, bool> predicate, int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var matches = Lines.Where(predicate).ToArray();
            if (matches.Length >= count || deadline.Elapsed >= timeout)
            {
                return matches;
            }
            await Task.Delay(PollInterval);
        }
    }

    public override string ToString() => string.Join('\n', Lines);

    private void Add(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }
        lock (lines)
        {
            lines.Add(prefix + line);
        }
    }
}
