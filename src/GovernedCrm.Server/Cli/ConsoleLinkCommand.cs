using GovernedCrm.Hosting.Adapters;
using GovernedCrm.Audit.Records;
using GovernedCrm.Audit.Checkpoints;
using GovernedCrm.Audit.Store;
using GovernedCrm.AdminConsole.SignIn;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Store.ConsoleLinks;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>governed-crm console-link --user NAME [--url URL] [--minutes N]</c>: prints a one-time sign-in URL for the admin
/// console of a server without a token issuer, bound to the policy user NAME. The link works once, for N minutes
/// (default 5, at most 60); only the SHA-256 of its token is stored (in the data folder's governance database), and
/// issuing it is an audit entry. NAME is the shell user's own policy user, or one its <c>cli_users</c> entry lists under
/// <c>act_as</c> (as <c>approvals --as</c>). Exit 0 printed, 1 refused (<c>cli.act_as_denied</c>, an unknown user),
/// 2 usage, configuration or I/O error.
/// </summary>
internal static class ConsoleLinkCommand
{
    public static Command Create()
    {
        var user = new Option<string>("--user") { Description = "The policy user the link signs in.", HelpName = "NAME", Required = true };
        var url = new Option<string>("--url")
        {
            Description = $"Where the server listens (default {HttpServer.DefaultUrls}): the link starts with it.",
            HelpName = "URL",
            DefaultValueFactory = _ => HttpServer.DefaultUrls,
        };
        var minutes = new Option<int>("--minutes")
        {
            Description = $"How long the link works, in minutes (default {ConsoleLinkTokens.DefaultLifetime.TotalMinutes:0}, at most {ConsoleLinkTokens.MaxLifetime.TotalMinutes:0}).",
            DefaultValueFactory = _ => (int)ConsoleLinkTokens.DefaultLifetime.TotalMinutes,
        };
        var command = new Command("console-link", "Print a one-time sign-in link to the admin console (servers without a token issuer). Exit 0 ok, 1 refused, 2 error.")
        {
            user, url, minutes
        };
        minutes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 60)
            {
                result.AddError("--minutes must be between 1 and 60.");
            }
        });
        url.Validators.Add(result =>
        {
            if (!Uri.TryCreate(result.GetValueOrDefault<string>(), UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
            {
                result.AddError("--url must be the server's http(s) address, e.g. " + HttpServer.DefaultUrls + ".");
            }
        });
        command.SetAction((parse, ct) => RunAsync(parse, parse.GetValue(user)!, new Uri(parse.GetValue(url)!), TimeSpan.FromMinutes(parse.GetValue(minutes)), ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, string name, Uri server, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        try
        {
            var policy = PolicySource.Load(PolicySource.ResolvePath(parse.GetValue(GovernedCrmCommand.Policy)));
            var osUser = ShellUser.CurrentOsUser();

            // Who issues (the shell user as the policy maps them) and for whom: another user only through act_as.
            if (!ShellUser.TryResolve(policy, osUser, null, null, out var issuer, out var code, out var message)
                || !ShellUser.TryResolve(policy, osUser, name, null, out var target, out code, out message))
            {
                CliConsole.Refuse(code, message);
                return ExitCodes.Refused;
            }

            var folder = DataFolder.Open(parse.GetValue(GovernedCrmCommand.Data));
            SqliteConsoleLinkStore links;
            try
            {
                links = await SqliteConsoleLinkStore.OpenAsync(folder.Path, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new StartupException(ex.Message, ex);
            }

            using var loggers = LoggerFactory.Create(logging =>
            {
                GovernedCrmServices.LogToStandardError(logging);
                logging.SetMinimumLevel(LogLevel.Warning);
            });
            var audit = await AuditTrailFactory.OpenAsync(AuditLocations.Resolve(folder, null), TimeProvider.System, loggers, AuditLocations.Tuning(), cancellationToken).ConfigureAwait(false);
            (string Token, DateTimeOffset ExpiresAt) link;
            await using (audit.ConfigureAwait(false))
            {
                link = await new ConsoleLinkIssuer(links, new AuditWriterTrail(audit), TimeProvider.System)
                    .IssueAsync(issuer!.Caller, target!.Caller, lifetime, target.OnBehalfOf, cancellationToken).ConfigureAwait(false);
            }

            await CliConsole.Out.WriteLineAsync(ConsoleLinkTokens.Url(server, link.Token).AbsoluteUri).ConfigureAwait(false);
            CliConsole.Error.WriteLine(
                $"one-time console link for {target.Caller.UserId} (tenant {target.Caller.Tenant}); it works once, until {ApprovalsOutput.Time(link.ExpiresAt)}");
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is StartupException or SqliteException or IOException or UnauthorizedAccessException or InvalidDataException
            or AuditKeyException or AuditUnavailableException)
        {
            CliConsole.Fail(ex.Message);
            return ExitCodes.Error;
        }
    }
}
