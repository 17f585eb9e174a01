using System.Globalization;
using System.Text.Encodings.Web;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Proofs;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>governed-crm audit pubkey | prove SEQ | check-proof FILE | prove-consistency OLD NEW | check-consistency FILE | export |
/// history OBJECT ID | search</c>: the audit tools for admins and auditors (history and search: <see cref="AuditQueryCommands"/>;
/// consistency proofs: <see cref="ConsistencyCommands"/>).
/// Exit 0 ok, 1 refused (a proof that does not hold), 2 usage, configuration or I/O error. Every one of them only reads:
/// the data folder must exist, and nothing is created, changed or migrated in it (the signing key included).
/// </summary>
internal static class AuditCommand
{
    private static readonly Option<string> Tenant = new("--tenant")
    {
        Description = "The tenant (chain). Default: default.",
        DefaultValueFactory = _ => Governance.Identity.CallerIdentity.DefaultTenant,
    };

    private static readonly Option<string?> PublicKey = new("--pubkey") { Description = "The audit public key, or a file holding it." };

    public static Command Create()
    {
        var audit = new Command("audit", "Audit trail tools: print the public key, prove or check one entry, prove or check consistency between two sizes, export entries, a record's history, search.")
        {
            Pubkey(), Prove(), CheckProof(), ConsistencyCommands.Prove(), ConsistencyCommands.Check(), Export(), AuditQueryCommands.History(), AuditQueryCommands.Search()
        };
        return audit;
    }

    private static Command Pubkey()
    {
        var pubkey = new Command("pubkey", "Print the public key that signs audit checkpoints (C2SP verifier key). The server creates the key on its first start. Keep a copy where the data folder's writers cannot change it.");
        pubkey.SetAction((parse, ct) => RunAsync(async () =>
        {
            var folder = DataFolder.OpenExisting(parse.GetValue(GovernedCrmCommand.Data));
            await CliConsole.Out.WriteLineAsync(AuditKeys.ReadPublicKey(AuditLocations.Resolve(folder))).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return pubkey;
    }

    private static Command Prove()
    {
        var sequence = new Argument<long>("SEQ") { Description = "The entry's sequence number in its chain." };
        var prove = new Command("prove", "Print an RFC 9162 inclusion proof of one entry against the newest signed checkpoint (JSON), for 'audit check-proof'.")
        {
            sequence, Tenant, PublicKey
        };
        prove.SetAction((parse, ct) => RunAsync(async () =>
        {
            var folder = DataFolder.OpenExisting(parse.GetValue(GovernedCrmCommand.Data));
            var paths = AuditLocations.Resolve(folder);
            RequireDatabase(paths.DatabasePath);
            var key = AuditKeys.ResolveVerifierKey(parse.GetValue(PublicKey), paths);
            try
            {
                var bundle = await AuditProofs.BuildAsync(paths.DatabasePath, parse.GetValue(Tenant)!, parse.GetValue(sequence), key, ct).ConfigureAwait(false);
                await CliConsole.Out.WriteLineAsync(InclusionProofBundleFile.Write(bundle)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (InvalidOperationException ex)
            {
                CliConsole.Fail(ex.Message);
                return ExitCodes.Refused;
            }
        }));
        return prove;
    }

    private static Command CheckProof()
    {
        var file = new Argument<string>("FILE") { Description = "A proof printed by 'audit prove' ('-' for stdin)." };
        var pubkey = new Option<string>("--pubkey") { Description = "The pinned audit public key, or a file holding it.", Required = true };
        var check = new Command("check-proof", "Check an inclusion proof offline with only the public key. Exit 0 valid, 1 invalid.")
        {
            file, pubkey
        };
        check.SetAction((parse, ct) => RunAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            var text = await CliConsole.ReadInputAsync(path, ct).ConfigureAwait(false);
            InclusionProofBundle? bundle;
            try
            {
                bundle = InclusionProofBundleFile.Read(text);
            }
            catch (JsonException ex)
            {
                throw new StartupException($"{path} is not a proof: {ex.Message}");
            }

            if (bundle is null)
            {
                throw new StartupException($"{path} is not a proof");
            }

            var key = parse.GetValue(pubkey)!;
            key = File.Exists(key) ? (await File.ReadAllTextAsync(key, ct).ConfigureAwait(false)).Trim() : key.Trim();
            if (!AuditProofs.Check(bundle, key, out var entry, out var problem))
            {
                await CliConsole.Out.WriteLineAsync($"proof invalid: {problem}").ConfigureAwait(false);
                return ExitCodes.Refused;
            }

            await CliConsole.Out.WriteLineAsync(
                $"proof valid: entry {bundle.Sequence} of chain '{bundle.Chain}' is in the signed log of {bundle.TreeSize} entries " +
                $"({entry!.Record.Event} by {entry.Record.Actor}, tool {entry.Record.Tool ?? "-"}, at {entry.Timestamp.ToString("O", CultureInfo.InvariantCulture)})").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return check;
    }

    private static Command Export()
    {
        var since = new Option<long>("--since") { Description = "Only entries from this sequence number on (per chain).", DefaultValueFactory = _ => 0 };
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's chain (default: every chain)." };
        var format = new Option<string>("--format") { Description = "Output format: jsonl (one JSON object per entry).", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl");
        var export = new Command("export", "Stream audit entries as JSON lines with stable field names, for SIEM ingestion.")
        {
            since, tenant, format
        };
        export.SetAction((parse, ct) => RunAsync(async () =>
        {
            var folder = DataFolder.OpenExisting(parse.GetValue(GovernedCrmCommand.Data));
            var paths = AuditLocations.Resolve(folder);
            RequireDatabase(paths.DatabasePath);
            var output = CliConsole.Out;
            await foreach (var entry in AuditEntryReader.ReadAsync(paths.DatabasePath, parse.GetValue(tenant), parse.GetValue(since), ct).ConfigureAwait(false))
            {
                await output.WriteLineAsync(AuditExportFormat.ToJson(entry).ToJsonString()).ConfigureAwait(false);
            }

            await output.FlushAsync(ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return export;
    }

    private static void RequireDatabase(string path)
    {
        if (!File.Exists(path))
        {
            throw new StartupException($"there is no audit database at {path} (run the server once, or pass --data)");
        }
    }

    private static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StartupException or SqliteException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            CliConsole.Fail(ex.Message);
            return ExitCodes.Error;
        }
    }
}
