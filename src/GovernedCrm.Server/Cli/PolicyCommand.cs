using GovernedCrm.Crm.Embedded;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Mcp.Tools;
using GovernedCrm.Hosting.Adapters;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>governed-crm policy check [FILE]</c> validates a policy and summarizes its rules;
/// <c>governed-crm policy explain --user U --tool T --args JSON</c> dry-runs one decision and says why.
/// Exit 0 ok, 1 invalid policy, 2 usage error (also a missing data folder when explain reads a record). Both only read:
/// explain opens an existing data folder's CRM database with writes refused, and creates or migrates nothing.
/// </summary>
internal static class PolicyCommand
{
    /// <summary>The code of a policy that does not load (exit 1).</summary>
    public const string PolicyInvalidCode = "policy.invalid";

    /// <summary>The code of <c>explain --tool</c> naming no served tool (exit 2).</summary>
    public const string UnknownToolCode = "tool.unknown";

    /// <summary>The code of a JSON argument that is not a JSON object (exit 2).</summary>
    public const string InvalidJsonCode = "cli.invalid_json";

    private static readonly Argument<string?> File = new("FILE")
    {
        Description = "The policy file (default: --policy, else $GOVERNEDCRM_POLICY, else the built-in default policy).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly Option<string> User = new("--user") { Description = "The user to decide for, as a local (stdio) caller.", Required = true };
    private static readonly Option<string> Tool = new("--tool") { Description = "The tool name, e.g. CRM.UpdateRecord.", Required = true };
    private static readonly Option<string> Args = new("--args") { Description = "The tool's arguments as a JSON object. Default: {}.", DefaultValueFactory = _ => "{}" };

    public static Command Create()
    {
        var command = new Command("policy", "Validate a policy file, or dry-run a decision.");
        var check = new Command("check", "Validate a policy file and print a summary of its rules. Exit 0 valid, 1 invalid.")
        {
            File, CliJson.Option
        };
        check.SetAction(Check);
        var explain = new Command(
            "explain",
            "Dry-run one call: the decision, the rule that made it, and why. Reads the targeted record from the data folder's CRM when the tool names one.")
        {
            User, Tool, Args, CliJson.Option
        };
        explain.SetAction(ExplainAsync);
        command.Subcommands.Add(check);
        command.Subcommands.Add(explain);
        return command;
    }

    private static int Check(ParseResult parse)
    {
        var json = CliJson.Requested(parse);
        var path = PolicySource.ResolvePath(parse.GetValue(File) ?? parse.GetValue(GovernedCrmCommand.Policy));
        if (path is null)
        {
            Print(BuiltInPolicy.Load(), json);
            return ExitCodes.Ok;
        }

        if (!System.IO.File.Exists(path))
        {
            return CliFailure.Error(json, CliFailure.ErrorCode, $"there is no policy file at {path}");
        }

        var result = PolicyLoader.LoadFile(path);
        if (result.Policy is { } policy)
        {
            Print(policy, json);
            return ExitCodes.Ok;
        }

        var invalid = PolicySource.Describe(path, result.Errors);
        return CliFailure.Invalid(json, PolicyInvalidCode, invalid, $"policy invalid: {invalid}");
    }

    private static void Print(CompiledPolicy policy, bool json)
    {
        if (json)
        {
            CliConsole.Out.WriteLine(new JsonObject
            {
                ["valid"] = true,
                ["source"] = policy.SourceName,
                ["version"] = policy.Version,
                ["summary"] = new JsonArray([.. policy.Summarize().Select(l => (JsonNode?)JsonValue.Create(l))]),
            }.ToJsonString());
            return;
        }

        CliConsole.Out.WriteLine($"policy valid: {policy.SourceName} (version {policy.Version})");
        foreach (var line in policy.Summarize())
        {
            CliConsole.Out.WriteLine(line);
        }
    }

    private static async Task<int> ExplainAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var json = CliJson.Requested(parse);
        CompiledPolicy policy;
        try
        {
            policy = PolicySource.Load(PolicySource.ResolvePath(parse.GetValue(GovernedCrmCommand.Policy)));
        }
        catch (StartupException ex)
        {
            // Exit 1 as before: the policy itself is invalid. The stderr line keeps its error form.
            return CliFailure.Error(json, PolicyInvalidCode, ex.Message, ExitCodes.Refused);
        }

        return await CliFailure.GuardAsync(json, () => ExplainAsync(parse, policy, json, cancellationToken)).ConfigureAwait(false);
    }

    private static async Task<int> ExplainAsync(ParseResult parse, CompiledPolicy policy, bool json, CancellationToken cancellationToken)
    {
        // The tools a server configured the same way serves: the built-in ones and the --tools assemblies.
        var catalog = GovernedCrmRoot.Catalog(GovernedCrmRoot.LoadCustomTools(parse.GetValue(ServeCommand.Tools)));
        var toolName = parse.GetValue(Tool)!;
        if (!catalog.TryGetGoverned(toolName, out var tool))
        {
            return CliFailure.Error(json, UnknownToolCode,
                $"unknown tool '{toolName}'; tools: {string.Join(", ", catalog.Governed.Select(t => t.ToolName).Order(StringComparer.Ordinal))}");
        }

        if (!JsonArgument.TryParseObject("--args", parse.GetValue(Args)!, out var arguments, out var argumentsError))
        {
            return CliFailure.Error(json, InvalidJsonCode, argumentsError);
        }

        var raw = new CallerIdentity(parse.GetValue(User)!, CallerIdentity.DefaultTenant, [], "local");
        var call = new GovernedCall
        {
            Tool = tool,
            Arguments = arguments,
            Caller = policy.ResolveCaller(raw) ?? raw,
            ExecutionId = "explain",
            ReceivedAt = TimeProvider.System.GetUtcNow(),
        };

        var notes = new List<string>();
        if (call.RecordId is not null)
        {
            call.Current = await ReadRecordAsync(parse, call, notes, cancellationToken).ConfigureAwait(false);
        }

        var explanation = policy.Explain(call);
        if (json)
        {
            await CliConsole.Out.WriteLineAsync(ToJson(policy, explanation, notes).ToJsonString()).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        await CliConsole.Out.WriteLineAsync($"policy: {policy.SourceName} (version {policy.Version})").ConfigureAwait(false);
        foreach (var line in notes.Concat(explanation.Lines))
        {
            await CliConsole.Out.WriteLineAsync(line).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static async Task<CurrentRecord?> ReadRecordAsync(ParseResult parse, GovernedCall call, List<string> notes, CancellationToken cancellationToken)
    {
        var folder = DataFolder.OpenExisting(parse.GetValue(GovernedCrmCommand.Data));
        var file = folder.File(EmbeddedCrmOptions.FileName);
        if (!System.IO.File.Exists(file))
        {
            notes.Add($"record: not read (no CRM database at {file}); conditions on current values see nothing");
            return null;
        }

        var database = new EmbeddedCrmDatabase(new EmbeddedCrmOptions { DatabasePath = file, ReadOnly = true });
        var record = await new CrmRecordContextReader(new EmbeddedCrmConnector(database, TimeProvider.System)).ReadAsync(call, cancellationToken).ConfigureAwait(false);
        notes.Add(record is null
            ? $"record: {call.ObjectType} {call.RecordId} not found"
            : $"record: {call.ObjectType} {call.RecordId} in tenant {record.Tenant}");
        return record;
    }

    private static JsonObject ToJson(CompiledPolicy policy, PolicyExplanation explanation, List<string> notes)
    {
        var decision = explanation.Decision;
        var json = new JsonObject
        {
            ["policyVersion"] = policy.Version,
            ["decision"] = decision switch
            {
                PolicyDecision.Allow => "allow",
                PolicyDecision.Deny => "deny",
                PolicyDecision.RequireApproval => "require_approval",
                _ => "unknown",
            },
            ["rule"] = decision.Rule,
        };
        switch (decision)
        {
            case PolicyDecision.Deny deny:
                json["code"] = deny.Code;
                json["message"] = deny.Message;
                break;
            case PolicyDecision.RequireApproval approval:
                json["route"] = approval.Route == ApprovalRoute.Role ? "role" : "requester";
                json["approverRole"] = approval.ApproverRole;
                json["reason"] = approval.Reason;
                break;
        }

        json["lines"] = new JsonArray(notes.Concat(explanation.Lines).Select(l => (JsonNode)JsonValue.Create(l)).ToArray());
        return json;
    }
}
