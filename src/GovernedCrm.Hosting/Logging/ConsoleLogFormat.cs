using Microsoft.Extensions.Logging.Console;

namespace GovernedCrm.Hosting.Logging;

/// <summary>
/// How log lines look on stderr: one plain text line each (the default), or one JSON object each for log collectors.
/// JSON is chosen by <c>serve --log-format json</c>, or by the standard Logging configuration key
/// <c>Logging:Console:FormatterName</c> = <c>json</c>, which the environment gives as <c>Logging__Console__FormatterName=json</c>;
/// the option wins over the environment. JSON lines carry a UTC timestamp, the level, the category, the event id, the
/// message and its named values (<c>State</c>); never scopes.
/// </summary>
internal static class ConsoleLogFormat
{
    public const string Option = "--log-format";
    public const string Text = "text";
    public const string Json = "json";

    /// <summary>The standard configuration key as an environment variable.</summary>
    public const string FormatterVariable = "Logging__Console__FormatterName";

    private static string? _chosen;

    /// <summary>Sets the format from <c>--log-format</c>; null leaves it to the environment. Called once, before any host starts.</summary>
    public static void Choose(string? format) => _chosen = format;

    /// <summary>True when log lines are JSON.</summary>
    public static bool IsJson => string.Equals(_chosen ?? Environment.GetEnvironmentVariable(FormatterVariable), Json, StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds the console logger in the chosen format (the caller sends every level to stderr).</summary>
    /// <param name="logging">The logging builder.</param>
    public static void AddConsole(ILoggingBuilder logging)
    {
        if (IsJson)
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = false;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
            return;
        }

        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
    }
}
