using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>A logger provider that keeps every warning and error a host writes (with the innermost exception's type and message), for tests that check what it said.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    /// <summary>The innermost exception's type and message: what went wrong first.</summary>
    private static string Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner) exception = inner;
        return $"{exception.GetType().Name}: {exception.Message}";
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) lines.Enqueue($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : $" ({Innermost(exception)})")}");
        }
    }
}
