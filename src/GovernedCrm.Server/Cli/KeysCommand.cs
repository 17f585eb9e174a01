using GovernedCrm.Store;
using GovernedCrm.Store.Vault;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>governed-crm keys rotate [--reencrypt-only]</c>: adds a new current key to the vault key file (keeping the old
/// ones) and re-encrypts every token vault row with it. With <c>GOVERNEDCRM_VAULT_KEY</c> set the operator rotates the
/// keys, so only <c>--reencrypt-only</c> is accepted (<c>cli.usage</c>). With <c>--json</c>: <c>{"rotated", "keyId",
/// "unreadable"}</c>, errors as <c>{code, message}</c>. Exit 0 done, 2 usage, configuration or I/O error.
/// </summary>
internal static class KeysCommand
{
    private static readonly Option<bool> ReencryptOnly = new("--reencrypt-only")
    {
        Description = "Do not add a key: only re-encrypt every row with the current (first) key. The way to finish a rotation of keys given in " +
            VaultKeyRing.EnvironmentVariable + ".",
    };

    public static Command Create()
    {
        var command = new Command("keys", "The token vault's encryption keys (keys/vault.keys in the data folder, or $" + VaultKeyRing.EnvironmentVariable + ").");
        var rotate = new Command(
            "rotate",
            "Add a new current key to the vault key file (older keys are kept so rows stay readable) and re-encrypt every token vault row with it. Exit 0 done, 2 error.")
        {
            ReencryptOnly, CliJson.Option
        };
        rotate.SetAction(RotateAsync);
        command.Subcommands.Add(rotate);
        return command;
    }

    private static Task<int> RotateAsync(ParseResult parse, CancellationToken cancellationToken) =>
        CliFailure.GuardAsync(CliJson.Requested(parse), async () =>
        {
            var json = CliJson.Requested(parse);
            var reencryptOnly = parse.GetValue(ReencryptOnly);
            var environmentValue = Environment.GetEnvironmentVariable(VaultKeyRing.EnvironmentVariable);
            var fromEnvironment = !string.IsNullOrWhiteSpace(environmentValue);
            if (fromEnvironment && !reencryptOnly)
            {
                return CliFailure.Error(json, CliFailure.UsageCode,
                    $"the vault keys come from {VaultKeyRing.EnvironmentVariable}, which governed-crm cannot change: the operator rotates them. " +
                    $"Put a new key first in {VaultKeyRing.EnvironmentVariable} (id:base64key of 32 bytes) and keep the old one after it, " +
                    "then run 'governed-crm keys rotate --reencrypt-only'");
            }

            var folder = DataFolder.Open(parse.GetValue(GovernedCrmCommand.Data));
            var database = GovernanceDatabase.InDataFolder(folder.Path);
            await database.InitializeAsync(cancellationToken).ConfigureAwait(false);
            using var keys = await LoadKeysAsync(database, folder.Path, fromEnvironment ? environmentValue : null, reencryptOnly, cancellationToken).ConfigureAwait(false);
            var vault = new SqliteTokenVault(database, keys, TimeProvider.System);
            var result = await vault.RotateAsync(cancellationToken).ConfigureAwait(false);
            await CliConsole.Out.WriteLineAsync(json
                ? new JsonObject { ["rotated"] = result.Rotated, ["keyId"] = result.KeyId, ["unreadable"] = result.Unreadable }.ToJsonString()
                : $"rotated {result.Rotated} rows to key {result.KeyId}; {result.Unreadable} unreadable").ConfigureAwait(false);
            return ExitCodes.Ok;
        });

    private static async Task<VaultKeyRing> LoadKeysAsync(
        GovernanceDatabase database, string dataFolder, string? environmentValue, bool reencryptOnly, CancellationToken cancellationToken)
    {
        if (environmentValue is not null)
        {
            return VaultKeyRing.FromEnvironmentValue(environmentValue);
        }

        var path = VaultKeyRing.KeyFilePathIn(dataFolder);
        if (reencryptOnly)
        {
            return VaultKeyRing.LoadFile(path);
        }

        // A new key over rows whose key file is lost would hide the loss: refuse, as the server reads them as not connected.
        if (!File.Exists(path) && await SqliteTokenVault.CountRowsAsync(database, cancellationToken).ConfigureAwait(false) > 0)
        {
            throw new VaultKeyException(
                $"there is no vault key file at {path}, but the token vault has rows: restore the key file from a backup (or set {VaultKeyRing.EnvironmentVariable}); a new key cannot read them");
        }

        return VaultKeyRing.AddKeyToFile(path);
    }
}
