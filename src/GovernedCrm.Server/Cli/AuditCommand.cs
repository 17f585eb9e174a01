using System.CommandLine;
using GovernedCrm.Server.Hosting;

namespace GovernedCrm.Server.Cli;

/// <summary><c>governed-crm audit pubkey</c>: prints the audit public key to pin in verifiers.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var audit = new Command("audit", "Audit trail tools.");
        var pubkey = new Command("pubkey", "Print the public key that signs audit checkpoints (C2SP verifier key), creating the key on first use. Keep a copy where the data folder's writers cannot change it.");
        pubkey.SetAction(async (parse, ct) =>
        {
            try
            {
                var folder = DataFolder.Open(parse.GetValue(GovernedCrmCommand.Data));
                await CliConsole.Out.WriteLineAsync(AuditKeys.ReadPublicKey(AuditLocations.Resolve(folder), create: true)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (StartupException ex)
            {
                CliConsole.Fail(ex.Message);
                return ExitCodes.Error;
            }
        });
        audit.Subcommands.Add(pubkey);
        return audit;
    }
}
