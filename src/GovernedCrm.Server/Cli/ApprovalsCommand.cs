
namespace GovernedCrm.Server.Cli;

/// <summary>
/// <c>governed-crm approvals list [--all] | show ID | approve ID... [--edit JSON] | reject ID... --reason R</c>, each with <c>--json</c>:
/// the approver's queue, as the OS user mapped through the policy's <c>cli_users</c> (see <see cref="ShellUser"/>; <c>--as</c>
/// only where the policy allows that OS user to act for others) with roles and tenant from the policy. <c>list</c> and
/// <c>show</c> only read (<see cref="ApprovalsView"/>); <c>approve</c> and <c>reject</c> write the queue and the audit trail.
/// Exit 0 ok, 1 refused (an <c>approval.*</c> code, <c>cli.act_as_denied</c>, or a user the policy does not know),
/// 2 usage, configuration or I/O error. Several ids are one bulk decision; exit 1 if any of them was refused.
/// </summary>
internal static class ApprovalsCommand
{
    private const int ListLimit = 1000;

    private static readonly Option<string?> As = new("--as")
    {
        Description = "Act for this policy user instead of your own (your OS user, mapped by the policy's cli_users). Allowed only when your cli_users entry lists the user under act_as; otherwise refused with cli.act_as_denied. The audit entry records both.",
        HelpName = "USER",
        Recursive = true,
    };

    private static readonly Option<bool> Each = new("--each")
    {
        Description = "With several ids: decide each on its own. Without it a bulk decision is all or nothing: if any id is refused, none is decided.",
    };

    public static Command Create()
    {
        var command = new Command("approvals", "The approval queue: list and show proposals of your tenant, approve (optionally edited) or reject them. Exit 0 ok, 1 refused, 2 error.")
        {
            As, List(), Show(), Approve(), Reject()
        };
        return command;
    }

    private static Command List()
    {
        var all = new Option<bool>("--all") { Description = "Every status, not only pending proposals." };
        var list = new Command("list", "List your tenant's pending proposals (all statuses with --all; a proposal past its expiry shows as expired), newest first. Reads only.")
        {
            all, CliJson.Option
        };
        list.SetAction((parse, ct) => ReadAsync(parse, async (view, caller) =>
        {
            var showAll = parse.GetValue(all);
            var requests = await view.ListAsync(caller, showAll, ListLimit, ct).ConfigureAwait(false);
            if (CliJson.Requested(parse))
            {
                await CliConsole.Out.WriteLineAsync(CliJson.Pretty(new JsonArray([.. requests.Select(r => (JsonNode)ApprovalsOutput.ToJson(r, view.UnreadableFields(caller, r.ObjectType)))]))).ConfigureAwait(false);
            }
            else if (requests.Count == 0)
            {
                await CliConsole.Out.WriteLineAsync($"no {(showAll ? "" : "pending ")}approvals in tenant {caller.Tenant}").ConfigureAwait(false);
            }
            else
            {
                foreach (var line in ApprovalsOutput.Table(requests))
                {
                    await CliConsole.Out.WriteLineAsync(line).ConfigureAwait(false);
                }
            }

            return ExitCodes.Ok;
        }, ct));
        return list;
    }

    private static Command Show()
    {
        var id = new Argument<string>("ID") { Description = "The approval id (apr_…)." };
        var show = new Command("show", "Show one proposal: the call, a before → after table of its properties, the agent's reason and confidence, the rule, and the decision and result when there are.")
        {
            id, CliJson.Option
        };
        show.SetAction((parse, ct) => ReadAsync(parse, async (view, caller) =>
        {
            var approvalId = parse.GetValue(id)!;
            var request = await view.FindAsync(approvalId, caller, ct).ConfigureAwait(false);
            if (request is null)
            {
                return CliFailure.Refused(CliJson.Requested(parse), ApprovalCodes.NotFound, $"There is no approval '{approvalId}' in your tenant.");
            }

            if (CliJson.Requested(parse))
            {
                await CliConsole.Out.WriteLineAsync(CliJson.Pretty(ApprovalsOutput.ToJson(request, view.UnreadableFields(caller, request.ObjectType)))).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            foreach (var line in ApprovalsOutput.Details(request, view.UnreadableFields(caller, request.ObjectType)))
            {
                await CliConsole.Out.WriteLineAsync(line).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }, ct));
        return show;
    }

    private static Command Approve()
    {
        var ids = new Argument<string[]>("ID") { Description = "The approval id(s); several ids are one bulk decision.", Arity = ArgumentArity.OneOrMore };
        var edit = new Option<string?>("--edit")
        {
            HelpName = "JSON",
            Description = "Approve with these property values instead of the proposed ones (a JSON object, e.g. '{\"amount\": 45000}'); re-checked against the policy as the requester. One id only.",
        };
        var approve = new Command("approve", "Approve proposals (or confirm your own, on a requester route). The server executes approved proposals.")
        {
            ids, edit, Each, CliJson.Option
        };
        approve.Validators.Add(result =>
        {
            if (result.GetValue(edit) is not null && result.GetValue(ids) is { Length: > 1 })
            {
                result.AddError("--edit applies to one approval at a time.");
            }
        });
        approve.SetAction((parse, ct) => DecideAsync(parse, parse.GetValue(ids)!, approve: true, parse.GetValue(edit), note: null, ct));
        return approve;
    }

    private static Command Reject()
    {
        var ids = new Argument<string[]>("ID") { Description = "The approval id(s); several ids are one bulk decision.", Arity = ArgumentArity.OneOrMore };
        var reason = new Option<string?>("--reason") { HelpName = "REASON", Description = "Why (required; kept in the audit trail). Without it the rejection is refused with approval.reason_required." };
        var reject = new Command("reject", "Reject proposals (or decline your own, on a requester route). Needs --reason.")
        {
            ids, reason, Each, CliJson.Option
        };
        reject.SetAction((parse, ct) => DecideAsync(parse, parse.GetValue(ids)!, approve: false, edit: null, parse.GetValue(reason), ct));
        return reject;
    }

    private static Task<int> DecideAsync(ParseResult parse, string[] ids, bool approve, string? edit, string? note, CancellationToken cancellationToken) =>
        RunAsync(parse, async (context, user) =>
        {
            var caller = user.Caller;
            IReadOnlyList<ApprovalResult> results = ids.Length == 1
                ? [await context.Service.DecideAsync(new ApprovalDecision(ids[0], caller, approve, edit, note, null) { OnBehalfOf = user.OnBehalfOf }, cancellationToken).ConfigureAwait(false)]
                : await context.Service.DecideManyAsync(
                    ids, caller, approve, note, cancellationToken, parse.GetValue(Each) ? BulkMode.EachOnItsOwn : BulkMode.AllOrNothing, user.OnBehalfOf).ConfigureAwait(false);
            if (CliJson.Requested(parse))
            {
                await CliConsole.Out.WriteLineAsync(CliJson.Pretty(ApprovalsOutput.Decisions(ids, results))).ConfigureAwait(false);
            }

            foreach (var result in results)
            {
                if (!result.Succeeded)
                {
                    CliConsole.Refuse(result.Code!, result.Message);
                }
                else if (!CliJson.Requested(parse))
                {
                    await CliConsole.Out.WriteLineAsync(Describe(result)).ConfigureAwait(false);
                }
            }

            if (!CliJson.Requested(parse) && results.Count > 1 && results.FirstOrDefault(r => r.Request?.BulkId is not null)?.Request?.BulkId is { } bulkId)
            {
                await CliConsole.Out.WriteLineAsync(
                    $"bulk decision {bulkId}: {results.Count(r => r.Succeeded)} {(approve ? "approved" : "rejected")}, {results.Count(r => !r.Succeeded)} refused").ConfigureAwait(false);
            }

            return results.All(r => r.Succeeded) ? ExitCodes.Ok : ExitCodes.Refused;
        }, cancellationToken);

    private static string Describe(ApprovalResult result)
    {
        var request = result.Request!;
        var what = request.Status == ApprovalStatus.Rejected ? "rejected" : request.ApprovedArgumentsJson is null ? "approved" : "approved with edits";
        return $"{what}: {request.Id} ({request.Tool} {ApprovalsOutput.Target(request)}, requested by {request.Requester})";
    }

    // The read-only verbs: resolve the shell user, then read an existing folder's queue without changing anything.
    private static Task<int> ReadAsync(ParseResult parse, Func<ApprovalsView, CallerIdentity, Task<int>> action, CancellationToken cancellationToken) =>
        GuardAsync(parse, async (policy, user) =>
        {
            var folder = DataFolder.OpenExisting(parse.GetValue(GovernedCrmCommand.Data));
            var view = await ApprovalsView.OpenAsync(folder, policy, cancellationToken).ConfigureAwait(false);
            return await action(view, user.Caller).ConfigureAwait(false);
        });

    // The deciding verbs write: they may create the data folder, the governance database and the audit trail.
    private static Task<int> RunAsync(ParseResult parse, Func<ApprovalsContext, ShellUser, Task<int>> action, CancellationToken cancellationToken) =>
        GuardAsync(parse, async (policy, user) =>
        {
            // The tools a server configured the same way serves (--tools, GOVERNEDCRM_TOOLS): an edit of a custom tool's
            // proposal is checked against that tool, as the server would.
            var tools = GovernedCrmRoot.LoadCustomTools(parse.GetValue(ServeCommand.Tools));
            var folder = DataFolder.Open(parse.GetValue(GovernedCrmCommand.Data));
            await using var context = await ApprovalsContext.OpenAsync(folder, policy, tools, cancellationToken).ConfigureAwait(false);
            return await action(context, user).ConfigureAwait(false);
        });

    // Resolves the shell user before touching the data folder: a user the policy does not know, or an --as the policy
    // does not allow, changes nothing.
    private static Task<int> GuardAsync(ParseResult parse, Func<CompiledPolicy, ShellUser, Task<int>> action) =>
        CliFailure.GuardAsync(CliJson.Requested(parse), async () =>
        {
            var policy = PolicySource.Load(PolicySource.ResolvePath(parse.GetValue(GovernedCrmCommand.Policy)));
            var environmentUser = Environment.GetEnvironmentVariable(GovernedCrmServices.UserEnvironmentVariable);
            if (!ShellUser.TryResolve(policy, ShellUser.CurrentOsUser(), parse.GetValue(As), environmentUser, out var user, out var code, out var message))
            {
                return CliFailure.Refused(CliJson.Requested(parse), code, message);
            }

            return await action(policy, user!).ConfigureAwait(false);
        });
}
