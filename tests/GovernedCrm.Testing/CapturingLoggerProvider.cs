using System.Text;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Testing;

/// <summary>
/// Keeps every log line (all levels, Trace included, with the structured state, scopes and exceptions) so tests can
/// look for leaked secrets. Add it to a logging builder, or hand <see cref="For{T}"/> loggers to a class directly.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly StringBuilder _text = new();
    private readonly List<CapturedLog> _entries = [];

    /// <summary>Everything logged so far, one entry a line.</summary>
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

    /// <summary>Every log call so far (scopes not included), in order.</summary>
    public IReadOnlyList<CapturedLog> Entries
    {
        get
        {
            lock (_text)
            {
                return [.. _entries];
            }
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CategoryLogger(this, categoryName);

    /// <summary>A typed logger writing into this capture, its category the type's full name.</summary>
    public ILogger<T> For<T>() => new TypedLogger<T>(CreateLogger(typeof(T).FullName!));

    /// <summary>A logger factory whose loggers all write into this capture, for code that takes a factory.</summary>
    public ILoggerFactory AsFactory() => new CapturingFactory(this);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Add(CapturedLog entry)
    {
        lock (_text)
        {
            _entries.Add(entry);
        }
    }

    private void Append(string line)
    {
        lock (_text)
        {
            _text.AppendLine(line);
        }
    }

    private sealed class CategoryLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            owner.Append($"scope {category}: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Add(new CapturedLog(logLevel, category, formatter(state, exception)));
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner.Append($"{logLevel} {category}: {formatter(state, exception)} {state} [{structured}]");
            if (exception is not null)
            {
                owner.Append(exception.ToString());
            }
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

    private sealed class CapturingFactory(CapturingLoggerProvider owner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => owner.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}

/// <summary>One log call: its level, its category and its formatted message.</summary>
/// <param name="Level">The level.</param>
/// <param name="Category">The logger's category.</param>
/// <param name="Message">The formatted message.</param>
public sealed record CapturedLog(LogLevel Level, string Category, string Message);
