using System.Text.Encodings.Web;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>--json</c>, the one option every verb that prints results takes (docs/commands.md, "For scripts"): the result as
/// JSON on stdout, and every refusal and error as one JSON object with <c>code</c> and <c>message</c>
/// (<see cref="CliFailure"/>). A test walks the command tree to check every verb but <c>serve</c> has it.
/// </summary>
internal static class CliJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The option, shared by the verbs.</summary>
    public static Option<bool> Option { get; } = new("--json")
    {
        Description = "Print JSON: the result on stdout, and a refusal or error as one object with code and message (see docs/commands.md).",
    };

    /// <summary>True when the verb was given <c>--json</c>.</summary>
    public static bool Requested(ParseResult parse) => parse.GetValue(Option);

    /// <summary>True when the command line names <c>--json</c>, even one that did not parse (its usage error is then JSON too).</summary>
    public static bool Named(ParseResult parse) => parse.Tokens.Any(t => t.Value == Option.Name);

    /// <summary>Indented JSON, non-ASCII text as is (the approvals and audit query verbs print it so).</summary>
    public static string Pretty(JsonNode node) => node.ToJsonString(Indented);
}
