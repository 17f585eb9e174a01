using System.Text;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.OAuth.Tests;

/// <summary>Keeps every log entry at every level (Trace included, so MSAL logs verbosely), with exceptions, to search for secrets.</summary>
internal sealed class CapturedLogs : ILoggerFactory
{
    private readonly StringBuilder _text = new();

    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new CategoryLogger(this, categoryName);

    public ILogger<T> For<T>() => new TypedLogger<T>(CreateLogger(typeof(T).FullName!));

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private void Append(string category, LogLevel level, string message, Exception? exception)
    {
        lock (_text)
        {
            _text.Append(level).Append(' ').Append(category).Append(": ").AppendLine(message);
            if (exception is not null)
            {
                _text.AppendLine(exception.ToString());
            }
        }
    }

    private sealed class CategoryLogger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner.Append(category, logLevel, $"{formatter(state, exception)} [{structured}]", exception);
        }
    }

    private sealed class TypedLogger<T>(ILogger inner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
