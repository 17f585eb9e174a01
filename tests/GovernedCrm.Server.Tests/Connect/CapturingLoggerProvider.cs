using System.Text;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Server.Tests.Connect;

/// <summary>Keeps every log line (all levels, with exceptions and scopes' state) so tests can look for leaked secrets.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
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

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Append(string line)
    {
        lock (_text)
        {
            _text.AppendLine(line);
        }
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
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
            owner.Append($"{logLevel} {category}: {formatter(state, exception)} {state}");
            if (exception is not null)
            {
                owner.Append(exception.ToString());
            }
        }
    }
}
