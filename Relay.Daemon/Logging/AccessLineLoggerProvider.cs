using Microsoft.Extensions.Logging;

namespace Relay.Daemon.Logging;

/// <summary>
/// Serilog's logger provider with one fast lane: Information events of category
/// <see cref="AccessCategory"/> (the per-connection and per-request access lines, the only
/// events logged once per connection and per request) are rendered by
/// <see cref="AccessLineRenderer"/> and queued as text on the same background sink, in order with
/// everything else; every other event, and any access event the renderer declines, goes through
/// Serilog unchanged. Scopes live in the logger factory's scope provider, which both this
/// provider and Serilog's read (ISupportExternalScope), so both see the same ones.
/// </summary>
internal sealed class AccessLineLoggerProvider(ILoggerProvider serilog, BackgroundLogSink sink, bool json) : ILoggerProvider, ISupportExternalScope
{
    public const string AccessCategory = "Relay.Access";

    private readonly AccessLineRenderer _renderer = new(json);
    private readonly BackgroundLogSink _sink = sink;

    [ThreadStatic]
    private static List<object?>? t_scopes;

    private long _rendered;
    private IExternalScopeProvider? _scopes;

    /// <summary>Access events this provider rendered itself (the rest went to Serilog).</summary>
    public long Rendered => Interlocked.Read(ref _rendered);

    public ILogger CreateLogger(string categoryName) =>
        new Logger(serilog.CreateLogger(categoryName), categoryName == AccessCategory ? this : null, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        _scopes = scopeProvider;
        (serilog as ISupportExternalScope)?.SetScopeProvider(scopeProvider);
    }

    public void Dispose() => serilog.Dispose();

    /// <summary>The scopes around the current event, outermost first (a list reused per thread).</summary>
    private List<object?> CurrentScopes()
    {
        var scopes = t_scopes ??= [];
        scopes.Clear();
        _scopes?.ForEachScope(static (state, list) => list.Add(state), scopes);
        return scopes;
    }

    private sealed class Logger(ILogger serilog, AccessLineLoggerProvider? access, string category) : ILogger
    {
        // Only called when the factory has no scope provider to hand (never, as LoggingSetup builds it).
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => serilog.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => serilog.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (access is null || logLevel != LogLevel.Information || exception is not null || !serilog.IsEnabled(logLevel)
                || !access._renderer.TryRender(category, eventId, state, access.CurrentScopes(), out var line))
            {
                serilog.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            Interlocked.Increment(ref access._rendered);
            // A full queue (stdout stalled) drops the line, as it drops Serilog's events.
            access._sink.Emit(line);
        }
    }
}
