using GovernedCrm.Hosting.Adapters;
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
/// <c>act_as</c> (as <c>approvals --as</c>). With <c>--json</c>: <c>{"url", "user", "tenant", "expiresAt"}</c>, refusals
/// and errors as <c>{code, message}</c>. Exit 0 printed, 1 refused (<c>cli.act_as_denied</c>, an unknown user),
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
            user, url, minutes, CliJson.Option
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

    private static Task<int> RunAsync(ParseResult parse, string name, Uri server, TimeSpan lifetime, CancellationToken cancellationToken) =>
        CliFailure.GuardAsync(CliJson.Requested(parse), () => IssueAsync(parse, name, server, lifetime, CliJson.Requested(parse), cancellationToken));

    private static async Task<int> IssueAsync(ParseResult parse, string name, Uri server, TimeSpan lifetime, bool json, CancellationToken cancellationToken)
    {
        var policy = PolicySource.Load(PolicySource.ResolvePath(parse.GetValue(GovernedCrmCommand.Policy)));
        var osUser = ShellUser.CurrentOsUser();

        // Who issues (the shell user as the policy maps them) and for whom: another user only through act_as.
        if (!ShellUser.TryResolve(policy, osUser, null, null, out var issuer, out var code, out var message)
            || !ShellUser.TryResolve(policy, osUser, name, null, out var target, out code, out message))
        {
            return CliFailure.Refused(json, code, message);
        }

        var folder = DataFolder.Open(parse.GetValue(GovernedCrmCommand.Data));
        var links = await SqliteConsoleLinkStore.OpenAsync(folder.Path, cancellationToken).ConfigureAwait(false);

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

        var signIn = ConsoleLinkTokens.Url(server, link.Token).AbsoluteUri;
        await CliConsole.Out.WriteLineAsync(json
            ? new JsonObject { ["url"] = signIn, ["user"] = target.Caller.UserId, ["tenant"] = target.Caller.Tenant, ["expiresAt"] = ApprovalsOutput.Time(link.ExpiresAt) }.ToJsonString()
            : signIn).ConfigureAwait(false);
        CliConsole.Error.WriteLine(
            $"one-time console link for {target.Caller.UserId} (tenant {target.Caller.Tenant}); it works once, until {ApprovalsOutput.Time(link.ExpiresAt)}");
        return ExitCodes.Ok;
    }
}
