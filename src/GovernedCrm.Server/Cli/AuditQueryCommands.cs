using System.Globalization;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>governed-crm audit history OBJECT ID</c> and <c>governed-crm audit search [filters]</c>: what the console's audit
/// browser shows, for scripts. They only read (the data folder must exist; nothing is created, changed or migrated),
/// as the OS user mapped through the policy's <c>cli_users</c> (<see cref="ShellUser"/>; <c>--as</c> where the policy
/// allows), who must be allowed the audit tools (admin, or a role an allow rule names <c>Audit.RecordHistory</c> for),
/// sees only their own tenant's chain unless the policy gives them every chain (<c>audit.cross_tenant_roles</c>), and
/// gets every value redacted for their role. Exit 0 ok, 1 refused (<c>audit.out_of_scope</c>,
/// <c>policy.denied.admin_only</c>, an unknown user or a refused <c>--as</c>), 2 bad input or an unusable folder.
/// </summary>
internal static class AuditQueryCommands
{
    private static readonly Option<string?> Tenant = new("--tenant") { Description = "The tenant (chain). Default: your own; another only for a role listed under audit.cross_tenant_roles." };

    private static readonly Option<int?> Limit = new("--limit") { Description = "Page size, 1 to 500 (history: 100, search: 50)." };

    private static readonly Option<string?> Cursor = new("--cursor") { Description = "Continue after the previous page (its 'more: pass --cursor …' value, or nextCursor in JSON)." };

    private static readonly Option<string?> As = new("--as")
    {
        Description = "Read as this policy user instead of your own (your OS user, mapped by the policy's cli_users); allowed only when your cli_users entry lists the user under act_as.",
        HelpName = "USER",
    };

    public static Command History()
    {
        var objectType = new Argument<string>("OBJECT") { Description = "The record's object type, e.g. deal." };
        var id = new Argument<string>("ID") { Description = "The record id." };
        var newestFirst = new Option<bool>("--newest-first") { Description = "Newest entry first (default: oldest first)." };
        var history = new Command("history", "A record's history from the audit chain: every proposal, approval request, decision and change, with field-level before -> after, who asked and who decided. Reads only.")
        {
            objectType, id
        };
        foreach (var option in new Option[] { Tenant, Limit, Cursor, newestFirst, CliJson.Option, As })
        {
            history.Options.Add(option);
        }

        history.SetAction((parse, ct) => RunAsync(parse, async (service, caller) =>
        {
            var answer = await service.HistoryAsync(caller, new RecordHistoryRequest(
                parse.GetValue(objectType)!, parse.GetValue(id)!, parse.GetValue(Tenant), parse.GetValue(Limit) ?? RecordHistoryRequest.DefaultLimit,
                parse.GetValue(Cursor), parse.GetValue(newestFirst)), ct).ConfigureAwait(false);
            return await PrintAsync(answer, CliJson.Requested(parse), AuditQueryOutput.History).ConfigureAwait(false);
        }));
        return history;
    }

    public static Command Search()
    {
        var actor = new Option<string?>("--actor") { Description = "Only entries of calls made for this user." };
        var eventName = new Option<string?>("--event") { Description = "Only entries of this event: received, denied, proposed, approval_requested, approved, rejected, expired, executed, failed, cancelled." };
        var tool = new Option<string?>("--tool") { Description = "Only entries of calls to this tool." };
        var execution = new Option<string?>("--execution") { Description = "Only entries of this execution id." };
        var objectType = new Option<string?>("--object") { Description = "Only entries about a record of this object type (with --id)." };
        var id = new Option<string?>("--id") { Description = "Only entries about this record (with --object)." };
        var since = new Option<string?>("--since") { Description = "Only entries at or after this time (ISO 8601, e.g. 2026-11-23T09:00:00Z; without an offset, UTC)." };
        var until = new Option<string?>("--until") { Description = "Only entries before this time (ISO 8601)." };
        var search = new Command("search", "Search the audit chain, newest first, a page at a time. Reads only.");
        foreach (var option in new Option[] { actor, eventName, tool, execution, objectType, id, since, until, Tenant, Limit, Cursor, CliJson.Option, As })
        {
            search.Options.Add(option);
        }

        search.SetAction((parse, ct) => RunAsync(parse, async (service, caller) =>
        {
            var answer = await service.SearchAsync(caller, new AuditSearchRequest(
                parse.GetValue(Tenant), parse.GetValue(objectType), parse.GetValue(id), parse.GetValue(actor), parse.GetValue(eventName), parse.GetValue(tool),
                parse.GetValue(execution), Time(parse.GetValue(since), "--since"), Time(parse.GetValue(until), "--until"),
                parse.GetValue(Limit) ?? AuditSearchRequest.DefaultLimit, parse.GetValue(Cursor)), ct).ConfigureAwait(false);
            return await PrintAsync(answer, CliJson.Requested(parse), AuditQueryOutput.Search).ConfigureAwait(false);
        }));
        return search;
    }

    private static DateTimeOffset? Time(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time)
            ? time
            : throw new InvalidAuditQueryException($"{option} '{text}' is not an ISO 8601 time, e.g. 2026-11-23T09:00:00Z");
    }

    private static async Task<int> PrintAsync(AuditAnswer answer, bool json, Func<System.Text.Json.Nodes.JsonObject, IEnumerable<string>> text)
    {
        if (!answer.Succeeded)
        {
            return answer.Code == AuditQueryService.InvalidQueryCode
                ? CliFailure.Error(json, answer.Code, answer.Message!)
                : CliFailure.Refused(json, answer.Code!, answer.Message!);
        }

        if (json)
        {
            await CliConsole.Out.WriteLineAsync(CliJson.Pretty(answer.Body!)).ConfigureAwait(false);
        }
        else
        {
            foreach (var line in text(answer.Body!))
            {
                await CliConsole.Out.WriteLineAsync(line).ConfigureAwait(false);
            }
        }

        return ExitCodes.Ok;
    }

    // Resolves the shell user before touching the data folder, checks they may read the audit trail, then reads.
    private static Task<int> RunAsync(ParseResult parse, Func<AuditQueryService, CallerIdentity, Task<int>> action) =>
        CliFailure.GuardAsync(CliJson.Requested(parse), async () =>
        {
            var json = CliJson.Requested(parse);
            var compiled = PolicySource.Load(PolicySource.ResolvePath(parse.GetValue(GovernedCrmCommand.Policy)));
            var environmentUser = Environment.GetEnvironmentVariable(GovernedCrmServices.UserEnvironmentVariable);
            if (!ShellUser.TryResolve(compiled, ShellUser.CurrentOsUser(), parse.GetValue(As), environmentUser, out var user, out var code, out var message))
            {
                return CliFailure.Refused(json, code, message);
            }

            var folder = DataFolder.OpenExisting(parse.GetValue(GovernedCrmCommand.Data));
            var paths = AuditLocations.Resolve(folder);
            AuditCommand.RequireDatabase(paths.DatabasePath);

            var service = AuditQueryService.For(paths.DatabasePath, new AdminToolsPolicy(compiled, GovernedCrmServices.AdminUsers()));
            if (!service.MayRead(user!.Caller))
            {
                return CliFailure.Refused(json, AdminToolsPolicy.AdminOnlyCode,
                    $"'{user.Caller.UserId}' may not read the audit trail: it is for admins, and for roles an allow rule names {AuditQueryService.ReadTool} for.");
            }

            return await action(service, user.Caller).ConfigureAwait(false);
        });
}
