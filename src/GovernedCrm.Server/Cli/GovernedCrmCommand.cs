namespace GovernedCrm.Server.Cli;

/// <summary>The <c>governed-crm</c> command line: the root command serves over stdio; verbs are subcommands.</summary>
internal static class GovernedCrmCommand
{
    public static readonly Option<string?> Data = new("--data")
    {
        Description = $"The data folder (CRM database, audit trail, governance state). Default: ${DataFolder.EnvironmentVariable}, else ~/.governedcrm.",
        Recursive = true,
    };

    public static readonly Option<string?> Policy = new("--policy")
    {
        Description = $"The policy file (YAML). Default: ${PolicySource.EnvironmentVariable}, else the built-in default policy (samples/policies/default.yaml).",
        Recursive = true,
    };

    /// <summary>The connectors file option (recursive).</summary>
    public static readonly Option<string?> Connectors = new("--connectors")
    {
        Description = $"The connectors file (JSON): which tenants use HubSpot or Salesforce instead of the embedded CRM, and their OAuth clients. Default: ${Hosting.Connectors.ConnectorsFileLoader.EnvironmentVariable}, else every tenant uses the embedded CRM.",
        Recursive = true,
    };

    public static RootCommand Create()
    {
        var root = new RootCommand(
            "GovernedCrm: an MCP server that lets AI agents read and change CRM records under policy, human approval and a tamper-evident audit trail. " +
            "With no command, serves MCP over stdio.");
        root.Options.Add(Data);
        root.Options.Add(Policy);
        root.Options.Add(Connectors);
        root.Options.Add(ServeCommand.Tools);
        root.Options.Add(ServeCommand.LogFormat);
        root.SetAction((parse, ct) => ServeCommand.RunAsync(parse, http: false, urls: null, allowedHosts: null, allowedOrigins: null, JwtOptions.None, ct));
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(PolicyCommand.Create());
        root.Subcommands.Add(ApprovalsCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(ConnectCommand.Create());
        root.Subcommands.Add(ConsoleLinkCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Create().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Under --json the first error is the JSON object (cli.usage); every error keeps its stderr line.
            if (CliJson.Named(parse))
            {
                await CliConsole.Out.WriteLineAsync(
                    new JsonObject { ["code"] = CliFailure.UsageCode, ["message"] = string.Join(" ", parse.Errors.Select(e => e.Message)) }.ToJsonString()).ConfigureAwait(false);
            }

            foreach (var error in parse.Errors)
            {
                CliConsole.Fail(error.Message);
            }

            CliConsole.Error.WriteLine("Run 'governed-crm --help' for usage.");
            return ExitCodes.Error;
        }

        return await parse.InvokeAsync().ConfigureAwait(false);
    }
}
