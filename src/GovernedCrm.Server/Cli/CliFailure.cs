using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Records;
using GovernedCrm.Crm;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Steps.Audit;
using GovernedCrm.Store.Vault;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// A verb's refusal or error, reported the same way everywhere: under <c>--json</c> one JSON object on stdout with a
/// stable <c>code</c> and a one-line <c>message</c> (scripts read stdout only), and always the usual line on stderr.
/// The exit code is the caller's, unchanged (1 refused, 2 error). <see cref="GuardAsync"/> is every verb's one catch:
/// the failures a verb expects (a bad file, an unusable folder or database, a key, the audit trail, the CRM) become an
/// error with the code of <see cref="CodeOf"/>; anything else is a bug and is not caught here.
/// </summary>
internal static class CliFailure
{
    /// <summary>The code of an error without a more precise one (bad option, missing file, unreadable database).</summary>
    public const string ErrorCode = "cli.error";

    /// <summary>The code of a command line that is not accepted as given (an unknown option, a missing argument, options that do not go together).</summary>
    public const string UsageCode = "cli.usage";

    /// <summary>The code of a token vault key that is missing, malformed or does not read the vault's rows.</summary>
    public const string VaultKeyCode = "vault.key_unusable";

    /// <summary>Reports an error (exit 2; <paramref name="exitCode"/> where a verb documents another, as <c>audit prove</c>'s 1).</summary>
    public static int Error(bool json, string code, string message, int exitCode = ExitCodes.Error)
    {
        WriteJson(json, code, message);
        CliConsole.Fail(message);
        return exitCode;
    }

    /// <summary>Reports a refusal (exit 1).</summary>
    public static int Refused(bool json, string code, string message)
    {
        WriteJson(json, code, message);
        CliConsole.Refuse(code, message);
        return ExitCodes.Refused;
    }

    /// <summary>
    /// Reports a "no" that is the verb's answer (an invalid policy, an invalid proof): on stdout, as
    /// <paramref name="text"/> or as <c>{"valid": false, "code", "message"}</c>; exit 1.
    /// </summary>
    public static int Invalid(bool json, string code, string message, string text)
    {
        CliConsole.Out.WriteLine(json ? new JsonObject { ["valid"] = false, ["code"] = code, ["message"] = message }.ToJsonString() : text);
        return ExitCodes.Refused;
    }

    /// <summary>Runs a verb, reporting the failures it expects as an error (exit 2) with their code.</summary>
    /// <param name="json">Whether the verb was given <c>--json</c>.</param>
    /// <param name="action">The verb.</param>
    /// <param name="extra">More members of the JSON error object, for a verb whose errors always had them (verify's <c>valid</c> and <c>error</c>).</param>
    public static async Task<int> GuardAsync(bool json, Func<Task<int>> action, Func<string, JsonObject>? extra = null)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (CodeOf(ex) is { } code)
        {
            if (json && extra is not null)
            {
                var error = extra(ex.Message);
                error["code"] = code;
                error["message"] = ex.Message;
                await CliConsole.Out.WriteLineAsync(error.ToJsonString()).ConfigureAwait(false);
                CliConsole.Fail(ex.Message);
                return ExitCodes.Error;
            }

            return Error(json, code, ex.Message);
        }
    }

    /// <summary>The stable code of a failure a verb expects, or null for one it does not (a bug, which is not caught).</summary>
    public static string? CodeOf(Exception exception) => exception switch
    {
        UnknownChainException => AuditChains.UnknownChainCode,
        InvalidAuditQueryException => AuditQueryService.InvalidQueryCode,
        GovernedCrm.Audit.Witnesses.WitnessException => VerifyCommand.WitnessUnavailableCode,
        CrmException crm => crm.Code,
        GovernedCallException governed => governed.Code,
        AuditUnavailableException => AuditStep.UnavailableCode,
        VaultKeyException => VaultKeyCode,
        StartupException or SqliteException or IOException or UnauthorizedAccessException or InvalidDataException or AuditKeyException => ErrorCode,
        _ => null,
    };

    private static void WriteJson(bool json, string code, string message)
    {
        if (json)
        {
            CliConsole.Out.WriteLine(new JsonObject { ["code"] = code, ["message"] = message }.ToJsonString());
        }
    }
}
