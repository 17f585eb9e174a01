using System.CommandLine;
using GovernedCrm.Server.Cli;

namespace GovernedCrm.Server.Tests.Cli;

/// <summary>
/// Every verb of the command tree that prints results takes --json (docs/commands.md, "For scripts"): the test walks the
/// tree the executable parses, so a new verb without --json fails here. Only serve, which runs the server and prints
/// no results, is exempt.
/// </summary>
public sealed class JsonOptionCoverageTests
{
    private static readonly string[] PrintsNoResults = ["serve"];

    [Fact]
    public void EveryVerbButServe_AcceptsJson()
    {
        var root = GovernedCrmCommand.Create();

        var verbs = Verbs(root, []).ToList();

        verbs.Select(v => string.Join(' ', v.Path)).Should().Contain(
            ["verify", "audit pubkey", "audit prove", "audit check-proof", "audit export", "audit history", "audit search", "policy check",
             "policy explain", "approvals list", "approvals show", "approvals approve", "approvals reject", "keys rotate", "connect",
             "console-link", "serve"],
            "the walk reaches every verb");
        foreach (var (path, command) in verbs.Where(v => !PrintsNoResults.Contains(v.Path[0])))
        {
            command.Options.Should().Contain(o => o.Name == "--json", "'{0}' prints results, so it takes --json", string.Join(' ', path));
            root.Parse([.. path, "--json"]).Errors.Should().NotContain(
                e => e.Message.Contains("--json", StringComparison.Ordinal), "'{0} --json' parses", string.Join(' ', path));
        }
    }

    // The leaves of the tree: the commands that run (a group such as 'audit' only holds verbs).
    private static IEnumerable<(string[] Path, Command Command)> Verbs(Command command, string[] path)
    {
        foreach (var sub in command.Subcommands)
        {
            string[] subPath = [.. path, sub.Name];
            if (sub.Subcommands.Count == 0)
            {
                yield return (subPath, sub);
            }

            foreach (var verb in Verbs(sub, subPath))
            {
                yield return verb;
            }
        }
    }
}
