using MsalLogLevel = Microsoft.Identity.Client.LogLevel;

namespace GovernedCrm.OAuth.Msal;

/// <summary>
/// Routes MSAL's log to an <see cref="ILogger"/>. PII logging is off at the source (the app is built with
/// <c>enablePiiLogging: false</c>); a message MSAL still flags as containing PII is dropped here as well.
/// </summary>
internal sealed class MsalLogBridge(ILogger logger)
{
    public MsalLogLevel Level => logger.IsEnabled(LogLevel.Trace) ? MsalLogLevel.Verbose
        : logger.IsEnabled(LogLevel.Debug) ? MsalLogLevel.Info
        : logger.IsEnabled(LogLevel.Warning) ? MsalLogLevel.Warning
        : MsalLogLevel.Error;

    public void Log(MsalLogLevel level, string message, bool containsPii)
    {
        if (containsPii)
        {
            return;
        }

        var mapped = level switch
        {
            MsalLogLevel.Always => LogLevel.Information,
            MsalLogLevel.Error => LogLevel.Error,
            MsalLogLevel.Warning => LogLevel.Warning,
            MsalLogLevel.Info => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
        logger.Log(mapped, "MSAL: {Message}", message);
    }
}
