using Microsoft.Extensions.Logging;

namespace GovernedCrm.AdminConsole;

/// <summary>The server's start-up line about the admin console: where it is and how people sign in, or why it is off.</summary>
public static partial class ConsoleStatus
{
    /// <summary>Logs the console's status.</summary>
    /// <param name="logger">The server's logger.</param>
    /// <param name="options">The console's options, or null when it is not served.</param>
    /// <param name="requested">False when <c>--no-console</c> turned it off.</param>
    public static void Log(ILogger logger, ConsoleOptions? options, bool requested)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (options is null)
        {
            if (requested)
            {
                LogNoClient(logger, ConsoleOptions.ClientIdVariable);
            }

            return;
        }

        if (options.OpenIdConnect is { } oidc)
        {
            LogOpenIdConnect(logger, ConsoleOptions.BasePath, oidc.Issuer, oidc.ClientId);
        }
        else
        {
            LogLinks(logger, ConsoleOptions.BasePath);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin console off: the server has a token issuer but no console client; set {Variable} to the console's client id at the issuer (or pass --no-console)")]
    private static partial void LogNoClient(ILogger logger, string variable);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin console at {Path}: sign-in with OpenID Connect at {Issuer} as client {ClientId}")]
    private static partial void LogOpenIdConnect(ILogger logger, string path, string issuer, string clientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin console at {Path}: sign-in with one-time links (governed-crm console-link --user NAME)")]
    private static partial void LogLinks(ILogger logger, string path);
}
