using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Relay.Tests.Support;

/// <summary>Collects every formatted log message, so tests can assert on access-log events.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => _messages.ToArray();

    public IEnumerable<string> AccessLines => Messages.Where(m => m.StartsWith("access ", StringComparison.Ordinal));

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    public Task<string> WaitForAccessLineAsync(Func<string, bool> predicate, TimeSpan timeout) =>
        WaitForLineAsync(line => line.StartsWith("access ", StringComparison.Ordinal) && predicate(line), timeout);

    /// <summary>Any captured message (access, request, or another event) matching <paramref name="predicate"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (Messages.FirstOrDefault(predicate) is { } line)
            {
                return line;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException("no matching line; got:\n" + string.Join("\n", Messages));
    }

    public ILogger CreateLogger(string categoryName) => new Logger(_messages);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue(formatter(state, exception));
    }
}
