using GovernedCrm.Audit.Verification;
using GovernedCrm.Audit.Witnesses;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>governed-crm verify [--tenant T] [--json] [--pubkey KEY] [--anchor FILE] [--witness URL|DIR]... [--witness-key KEY]</c>: walks the
/// audit trail, then checks it against what each witness holds.
/// Exit 0 valid, 1 broken or tampered, 2 usage, configuration or I/O error. Reads only: the data folder must exist,
/// and nothing in it is created, changed or migrated (the audit database is opened with writes refused, the key file
/// is read, never created).
/// </summary>
internal static class VerifyCommand
{
    private static readonly Option<string?> Tenant = new("--tenant") { Description = "Verify only this tenant's chain." };
    private static readonly Option<string?> PublicKey = new("--pubkey")
    {
        Description = "The audit public key (as printed by 'governed-crm audit pubkey') or a file holding it. Pin it: without it the key file in the data folder is trusted.",
    };

    private static readonly Option<string?> Anchor = new("--anchor")
    {
        Description = $"The anchor file of exported checkpoints (default: ${AuditLocations.AnchorEnvironmentVariable}, else beside the audit database).",
    };

    private static readonly Option<string[]> Witness = new(WitnessSettings.Option)
    {
        Description = "Also check the chain against what this witness holds (a folder or an http(s) URL, as for serve --witness); repeatable. A history rewritten on this host is WITNESS_MISMATCH (exit 1); a witness that cannot be read is an error (exit 2).",
        HelpName = "URL|DIR",
    };

    private static readonly Option<string?> WitnessKey = new("--witness-key")
    {
        Description = "The HTTP witnesses' cosigner key (C2SP verifier key, type 0x04) or a file holding it: only their checkpoints cosigned by it count.",
    };

    /// <summary>The code of <c>verify --witness</c> when a witness cannot be read or its answer cannot be trusted (exit 2).</summary>
    public const string WitnessUnavailableCode = "audit.witness_unavailable";

    public static Command Create()
    {
        var command = new Command("verify", "Verify the audit trail: checkpoint signatures, hash chain, Merkle roots, truncation, and (--witness) what witnesses hold. Exit 0 valid, 1 broken, 2 error.")
        {
            Tenant, CliJson.Option, PublicKey, Anchor, Witness, WitnessKey
        };
        command.SetAction(RunAsync);
        return command;
    }

    // Errors under --json keep the valid: false and error members they always had, besides code and message.
    private static Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) =>
        CliFailure.GuardAsync(
            CliJson.Requested(parse),
            () => VerifyAsync(parse, CliJson.Requested(parse), cancellationToken),
            message => new JsonObject { ["valid"] = false, ["error"] = message });

    private static async Task<int> VerifyAsync(ParseResult parse, bool json, CancellationToken cancellationToken)
    {
        var witnesses = ParseWitnesses(parse.GetValue(Witness));
        var witnessKey = parse.GetValue(WitnessKey) is { } keyValue
            ? (File.Exists(keyValue) ? await File.ReadAllTextAsync(keyValue, cancellationToken).ConfigureAwait(false) : keyValue).Trim()
            : null;
        var folder = DataFolder.OpenExisting(parse.GetValue(GovernedCrmCommand.Data));
        var paths = AuditLocations.Resolve(folder, parse.GetValue(Anchor));
        AuditCommand.RequireDatabase(paths.DatabasePath);

        if (parse.GetValue(Tenant) is { } tenant)
        {
            var chains = await AuditChains.ListAsync(paths.DatabasePath, cancellationToken).ConfigureAwait(false);
            if (!chains.Contains(tenant, StringComparer.Ordinal))
            {
                throw new UnknownChainException(AuditChains.UnknownChain(tenant, chains));
            }
        }

        var verifierKey = AuditKeys.ResolveVerifierKey(parse.GetValue(PublicKey), paths);
        IProgress<long>? progress = !json && CliConsole.ErrorIsTerminal
            ? new Progress<long>(n => CliConsole.Error.Write($"\rverifying: {n} entries"))
            : null;
        var report = await AuditVerifier.VerifyAsync(paths.DatabasePath, verifierKey, paths.AnchorPath, parse.GetValue(Tenant), progress, cancellationToken).ConfigureAwait(false);
        if (progress is not null)
        {
            CliConsole.Error.Write("\r\u001b[K");
        }

        // A witness holding a tree this chain does not extend is a rewritten history (WITNESS_MISMATCH): exit 1.
        var witnessed = new List<WitnessCheck>();
        if (report.Valid && witnesses.Count > 0)
        {
            var chains = parse.GetValue(Tenant) is { } only ? [only] : await AuditChains.ListAsync(paths.DatabasePath, cancellationToken).ConfigureAwait(false);
            foreach (var witness in witnesses)
            {
                var check = await WitnessVerifier.CheckAsync(paths.DatabasePath, witness, chains, witnessKey, cancellationToken).ConfigureAwait(false);
                witnessed.Add(check);
                report = WitnessVerifier.Apply(report, check);
                if (!report.Valid)
                {
                    break;
                }
            }
        }

        var approvals = await ApprovalCrossCheck.RunAsync(
            folder.File(GovernedCrm.Store.GovernanceDatabase.FileName), paths.DatabasePath, parse.GetValue(Tenant), cancellationToken).ConfigureAwait(false);
        if (json)
        {
            var output = VerifyReportJson.ToJson(report);
            output["approvals"] = new JsonObject
            {
                ["checked"] = approvals.Checked,
                ["disagreeing"] = new JsonArray([.. approvals.Disagreeing.Select(d => (JsonNode)new JsonObject { ["id"] = d.ApprovalId, ["tenant"] = d.Tenant, ["reason"] = d.Reason })]),
            };
            output["witnesses"] = new JsonArray([.. witnessed.Select(w => (JsonNode)new JsonObject
            {
                ["witness"] = w.Witness,
                ["chains"] = new JsonArray([.. w.Chains.Select(c => (JsonNode)new JsonObject { ["chain"] = c.Chain, ["checkpoints"] = c.Checkpoints, ["newestSize"] = c.NewestSize })]),
            })]);

            // Exit 1 is a refusal: code and message, as every refusal under --json has them.
            if (!report.Valid)
            {
                output["message"] = report.Summary;
            }
            else if (approvals.Disagreeing.Count > 0)
            {
                output["code"] = ApprovalCodes.EvidenceMismatch;
                output["message"] = $"{approvals.Disagreeing.Count} decided proposals disagree with the audit chain: {string.Join(", ", approvals.Disagreeing.Select(d => d.ApprovalId))}";
            }

            await CliConsole.Out.WriteLineAsync(output.ToJsonString()).ConfigureAwait(false);
        }
        else
        {
            await CliConsole.Out.WriteLineAsync(report.Summary).ConfigureAwait(false);
            await CliConsole.Out.WriteLineAsync($"checkpoints checked: {report.Checkpoints}").ConfigureAwait(false);
            foreach (var chain in witnessed.SelectMany(w => w.Chains.Select(c => (w.Witness, c))))
            {
                await CliConsole.Out.WriteLineAsync(
                    $"witness {chain.Witness}: chain '{chain.c.Chain}' extends its {chain.c.Checkpoints} checkpoint(s), the newest at size {chain.c.NewestSize}").ConfigureAwait(false);
            }

            foreach (var warning in report.Warnings)
            {
                await CliConsole.Out.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
            }

            await CliConsole.Out.WriteLineAsync(
                $"approval queue: {approvals.Checked} decided proposals checked against the chain, {approvals.Disagreeing.Count} disagree").ConfigureAwait(false);
            foreach (var disagreement in approvals.Disagreeing)
            {
                await CliConsole.Out.WriteLineAsync($"tampered approval {disagreement.ApprovalId} (tenant {disagreement.Tenant}): {disagreement.Reason}").ConfigureAwait(false);
            }
        }

        // A queue row that disagrees with the chain was changed outside the server: that is tampering too.
        return report.Valid && approvals.Disagreeing.Count == 0 ? ExitCodes.Ok : ExitCodes.Refused;
    }

    private static IReadOnlyList<WitnessTarget> ParseWitnesses(string[]? values)
    {
        try
        {
            return [.. (values ?? []).Select(WitnessTarget.Parse).Distinct()];
        }
        catch (FormatException ex)
        {
            throw new StartupException($"{WitnessSettings.Option}: {ex.Message}");
        }
    }
}

/// <summary><c>verify --tenant NAME</c> named no chain of the audit database (exit 2; the message names the chains).</summary>
/// <param name="message">The message.</param>
internal sealed class UnknownChainException(string message) : Exception(message);
