using System.Text.Json.Nodes;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// A verb's refusal or error, reported the same way everywhere: under <c>--json</c> one JSON object on stdout with a
/// stable <c>code</c> and a one-line <c>message</c> (scripts read stdout only), and always the usual line on stderr.
/// The exit code is the caller's, unchanged (1 refused, 2 error).
/// </summary>
internal static class CliFailure
{
    /// <summary>The code of an error without a more precise one (bad option, missing file, unreadable database).</summary>
    public const string ErrorCode = "cli.error";

    /// <summary>Reports an error (exit 2).</summary>
    public static int Error(bool json, string code, string message)
    {
        WriteJson(json, code, message);
        CliConsole.Fail(message);
        return ExitCodes.Error;
    }

    /// <summary>Reports a refusal (exit 1).</summary>
    public static int Refused(bool json, string code, string message)
    {
        WriteJson(json, code, message);
        CliConsole.Refuse(code, message);
        return ExitCodes.Refused;
    }

    private static void WriteJson(bool json, string code, string message)
    {
        if (json)
        {
            CliConsole.Out.WriteLine(new JsonObject { ["code"] = code, ["message"] = message }.ToJsonString());
        }
    }
}
