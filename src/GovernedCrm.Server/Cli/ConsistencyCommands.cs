using GovernedCrm.Audit.Proofs;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>governed-crm audit prove-consistency OLD NEW [--tenant T] [--format json|lines] [--json]</c> and
/// <c>audit check-consistency FILE [--pubkey KEY] [--old NOTE] [--new NOTE] [--json]</c>: RFC 9162 consistency proofs
/// between two sizes of a chain, made from the audit database and checked offline. Exit 0 ok, 1 refused (a proof that
/// does not hold, a size the chain does not reach), 2 usage or I/O error. Both only read.
/// </summary>
internal static class ConsistencyCommands
{
    private static readonly Option<bool> Json = new("--json") { Description = "Print the result, or a refusal or error, as one JSON object." };

    public static Command Prove()
    {
        var oldSize = new Argument<long>("OLD") { Description = "The older tree size (at least 1)." };
        var newSize = new Argument<long>("NEW") { Description = "The newer tree size (at least OLD, at most the chain's length)." };
        var tenant = new Option<string>("--tenant")
        {
            Description = "The tenant (chain). Default: default.",
            DefaultValueFactory = _ => Governance.Identity.CallerIdentity.DefaultTenant,
        };
        var format = new Option<string>("--format")
        {
            Description = "json (default): the proof with both roots and the signed checkpoints at both sizes when the database holds them, for 'audit check-consistency'; lines: one base64 hash a line, as a C2SP tlog-witness request carries them.",
            DefaultValueFactory = _ => "json",
        };
        format.AcceptOnlyFromAmong("json", "lines");
        var prove = new Command("prove-consistency", "Print an RFC 9162 consistency proof that the chain's first NEW entries extend its first OLD.")
        {
            oldSize, newSize, tenant, format, Json
        };
        prove.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(Json);
            try
            {
                var (from, to) = (parse.GetValue(oldSize), parse.GetValue(newSize));
                if (from < 1 || to < from)
                {
                    return CliFailure.Error(json, CliFailure.ErrorCode, $"OLD must be at least 1 and NEW at least OLD (got {from} and {to})");
                }

                var folder = DataFolder.OpenExisting(parse.GetValue(GovernedCrmCommand.Data));
                var paths = AuditLocations.Resolve(folder);
                if (!File.Exists(paths.DatabasePath))
                {
                    return CliFailure.Error(json, CliFailure.ErrorCode, $"there is no audit database at {paths.DatabasePath} (run the server once, or pass --data)");
                }

                var chain = parse.GetValue(tenant)!;
                var chains = await AuditChains.ListAsync(paths.DatabasePath, ct).ConfigureAwait(false);
                if (!chains.Contains(chain, StringComparer.Ordinal))
                {
                    return CliFailure.Error(json, AuditChains.UnknownChainCode, AuditChains.UnknownChain(chain, chains));
                }

                ConsistencyProofBundle bundle;
                try
                {
                    bundle = await AuditConsistency.BuildAsync(paths.DatabasePath, chain, from, to, ct).ConfigureAwait(false);
                }
                catch (InvalidOperationException ex)
                {
                    return CliFailure.Refused(json, AuditConsistency.UnavailableCode, ex.Message);
                }

                await CliConsole.Out.WriteAsync(parse.GetValue(format) == "lines" ? AuditConsistency.WriteLines(bundle) : AuditConsistency.Write(bundle) + "\n").ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is StartupException or SqliteException or IOException or UnauthorizedAccessException)
            {
                return CliFailure.Error(json, CliFailure.ErrorCode, ex.Message);
            }
        });
        return prove;
    }

    public static Command Check()
    {
        var file = new Argument<string>("FILE") { Description = "A proof printed by 'audit prove-consistency' (JSON; '-' for stdin)." };
        var pubkey = new Option<string?>("--pubkey")
        {
            Description = "The pinned audit public key, or a file holding it: every checkpoint in the proof and given with --old/--new must be validly signed by it. Without it only the roots are checked.",
        };
        var oldNote = new Option<string?>("--old") { Description = "A file holding the signed checkpoint at the older size (e.g. one a witness holds); its root is the one checked." };
        var newNote = new Option<string?>("--new") { Description = "A file holding the signed checkpoint at the newer size; its root is the one checked." };
        var check = new Command("check-consistency", "Check a consistency proof between two checkpoints or roots offline. Exit 0 holds, 1 refused, 2 unreadable input.")
        {
            file, pubkey, oldNote, newNote, Json
        };
        check.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(Json);
            try
            {
                var path = parse.GetValue(file)!;
                var text = await CliConsole.ReadInputAsync(path, ct).ConfigureAwait(false);
                ConsistencyProofBundle? bundle;
                try
                {
                    bundle = AuditConsistency.Read(text);
                }
                catch (JsonException ex)
                {
                    return CliFailure.Error(json, CliFailure.ErrorCode, $"{path} is not a consistency proof: {ex.Message}");
                }

                if (bundle?.Proof is null || bundle.OldRoot is null || bundle.NewRoot is null || bundle.Chain is null)
                {
                    return CliFailure.Error(json, CliFailure.ErrorCode, $"{path} is not a consistency proof");
                }

                var key = await ReadValueAsync(parse.GetValue(pubkey), ct).ConfigureAwait(false);
                var oldCheckpoint = await ReadFileAsync(parse.GetValue(oldNote), ct).ConfigureAwait(false);
                var newCheckpoint = await ReadFileAsync(parse.GetValue(newNote), ct).ConfigureAwait(false);
                if (!AuditConsistency.Check(bundle, key, oldCheckpoint, newCheckpoint, out var code, out var problem))
                {
                    return CliFailure.Refused(json, code!, $"consistency proof invalid: {problem}");
                }

                var signed = key is not null && (oldCheckpoint ?? bundle.OldCheckpoint) is not null && (newCheckpoint ?? bundle.NewCheckpoint) is not null;
                if (json)
                {
                    await CliConsole.Out.WriteLineAsync(new JsonObject
                    {
                        ["valid"] = true,
                        ["chain"] = bundle.Chain,
                        ["oldSize"] = bundle.OldSize,
                        ["newSize"] = bundle.NewSize,
                        ["signedCheckpoints"] = signed,
                    }.ToJsonString()).ConfigureAwait(false);
                }
                else
                {
                    await CliConsole.Out.WriteLineAsync(
                        $"consistency proof valid: the tree of {bundle.NewSize} entries of chain '{bundle.Chain}' extends the tree of {bundle.OldSize} " +
                        (signed ? "(both checkpoints validly signed by the key)" : "(roots as given: pass --pubkey with signed checkpoints to trust them)")).ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return CliFailure.Error(json, CliFailure.ErrorCode, ex.Message);
            }
        });
        return check;
    }

    private static async Task<string?> ReadValueAsync(string? value, CancellationToken cancellationToken) =>
        value is null ? null : (File.Exists(value) ? await File.ReadAllTextAsync(value, cancellationToken).ConfigureAwait(false) : value).Trim();

    private static async Task<string?> ReadFileAsync(string? path, CancellationToken cancellationToken) =>
        path is null ? null : await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
}
