using System.Globalization;
using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Proofs;
using GovernedCrm.AdminConsole.Trail;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>governed-crm audit pubkey | prove SEQ | check-proof FILE | prove-consistency OLD NEW | check-consistency FILE | export |
/// history OBJECT ID | search</c>, each with <c>--json</c>: the audit tools for admins and auditors (history and search:
/// <see cref="AuditQueryCommands"/>; consistency proofs: <see cref="ConsistencyCommands"/>).
/// Exit 0 ok, 1 refused (a proof that does not hold, or cannot be built yet), 2 usage, configuration or I/O error. Every one of them only reads:
/// the data folder must exist, and nothing is created, changed or migrated in it (the signing key included).
/// </summary>
internal static class AuditCommand
{
    /// <summary>The code of <c>check-proof</c> when the proof does not hold (exit 1).</summary>
    public const string ProofInvalidCode = "audit.proof_invalid";

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
        var pubkey = new Command("pubkey", "Print the public key that signs audit checkpoints (C2SP verifier key). The server creates the key on its first start. Keep a copy where the data folder's writers cannot change it.")
        {
            CliJson.Option
        };
        pubkey.SetAction((parse, ct) => CliFailure.GuardAsync(CliJson.Requested(parse), async () =>
        {
            var folder = DataFolder.OpenExisting(parse.GetValue(GovernedCrmCommand.Data));
            var key = AuditKeys.ReadPublicKey(AuditLocations.Resolve(folder));
            await CliConsole.Out.WriteLineAsync(CliJson.Requested(parse) ? new JsonObject { ["publicKey"] = key }.ToJsonString() : key).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return pubkey;
    }

    private static Command Prove()
    {
        var sequence = new Argument<long>("SEQ") { Description = "The entry's sequence number in its chain." };
        var prove = new Command("prove", "Print an RFC 9162 inclusion proof of one entry against the newest signed checkpoint (JSON), for 'audit check-proof'.")
        {
            sequence, Tenant, PublicKey, CliJson.Option
        };
        prove.SetAction((parse, ct) => CliFailure.GuardAsync(CliJson.Requested(parse), async () =>
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
                // Not provable (yet): exit 1, with the error line it always had.
                return CliFailure.Error(CliJson.Requested(parse), ProofDownload.UnavailableCode, ex.Message, ExitCodes.Refused);
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
            file, pubkey, CliJson.Option
        };
        check.SetAction((parse, ct) => CliFailure.GuardAsync(CliJson.Requested(parse), async () =>
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
                return CliFailure.Invalid(CliJson.Requested(parse), ProofInvalidCode, problem!, $"proof invalid: {problem}");
            }

            if (CliJson.Requested(parse))
            {
                await CliConsole.Out.WriteLineAsync(new JsonObject
                {
                    ["valid"] = true,
                    ["chain"] = bundle.Chain,
                    ["sequence"] = bundle.Sequence,
                    ["treeSize"] = bundle.TreeSize,
                    ["entry"] = AuditExportFormat.ToJson(entry!),
                }.ToJsonString()).ConfigureAwait(false);
                return ExitCodes.Ok;
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
        var format = new Option<string>("--format") { Description = "Output format: jsonl (one JSON object per entry), cef (ArcSight CEF lines), syslog (RFC 5424 messages).", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "cef", "syslog");
        var export = new Command("export", "Stream audit entries (JSON lines, CEF or RFC 5424 syslog) to stdout, a file or a syslog collector, for SIEM ingestion; --follow keeps sending new ones. See docs/siem.md.")
        {
            since, tenant, format, CliJson.Option
        };
        AuditExportFollow.AddOptions(export);
        export.SetAction((parse, ct) => CliFailure.GuardAsync(CliJson.Requested(parse), async () =>
        {
            var folder = DataFolder.OpenExisting(parse.GetValue(GovernedCrmCommand.Data));
            var paths = AuditLocations.Resolve(folder);
            RequireDatabase(paths.DatabasePath);
            return await AuditExportFollow.RunAsync(parse, paths.DatabasePath, parse.GetValue(tenant), parse.GetValue(since), parse.GetValue(format)!, ct).ConfigureAwait(false);
        }));
        return export;
    }

    /// <summary>Fails (exit 2) when the data folder has no audit database: a read-only verb creates none.</summary>
    internal static void RequireDatabase(string path)
    {
        if (!File.Exists(path))
        {
            throw new StartupException($"there is no audit database at {path} (run the server once, or pass --data)");
        }
    }
}
