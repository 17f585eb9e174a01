using System.Globalization;

namespace GovernedCrm.Server.Cli;

/// <summary>
/// How <c>approvals list</c> and <c>approvals show</c> print proposals: aligned text for people, JSON for scripts. Values
/// the acting user may not read (the policy's field read rules on the proposal's object type) are redacted
/// (<see cref="ProposalRedaction"/>), as in CRM.GetProposal.
/// </summary>
internal static class ApprovalsOutput
{
    /// <summary>One line per proposal under a header: id, status, tool, object/record, requester, rule, created, expires.</summary>
    public static IEnumerable<string> Table(IReadOnlyList<ApprovalRequest> requests)
    {
        string[][] rows =
        [
            ["ID", "STATUS", "TOOL", "TARGET", "REQUESTER", "RULE", "CREATED", "EXPIRES"],
            .. requests.Select(r => new[] { r.Id, r.Status.ToName(), r.Tool, Target(r), r.Requester, r.Rule, Time(r.CreatedAt), Time(r.ExpiresAt) }),
        ];
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        return rows.Select(row => string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))));
    }

    /// <summary>Everything about one proposal, including a before → after table of its properties.</summary>
    /// <param name="r">The proposal.</param>
    /// <param name="hidden">The properties the acting user may not read on the proposal's object type.</param>
    public static IEnumerable<string> Details(ApprovalRequest r, IReadOnlySet<string> hidden)
    {
        var view = ProposalRedaction.Apply(r, hidden);
        yield return $"approval:    {r.Id}";
        yield return $"status:      {r.Status.ToName()}";
        yield return $"tool:        {r.Tool}";
        yield return $"target:      {(r.ObjectType is null && r.RecordId is null ? "-" : $"{r.ObjectType} {r.RecordId}".Trim())} (tenant {r.Tenant})";
        yield return $"requester:   {r.Requester}";
        yield return $"approver:    {(r.Route == ApprovalRoute.Role ? $"a user with role {r.ApproverRole}, not the requester" : "the requester (confirmation)")}";
        yield return $"rule:        {r.Rule} (policy {r.PolicyVersion})";
        yield return $"why:         {r.ApprovalReason}";
        yield return $"reason:      {view.Reason ?? "-"}";
        yield return $"confidence:  {(r.Confidence is { } c ? c.ToString("0.##", CultureInfo.InvariantCulture) : "-")}";
        yield return $"created:     {Time(r.CreatedAt)}";
        yield return $"expires:     {Time(r.ExpiresAt)}";
        yield return $"execution:   {r.ExecutionId}";
        var changes = Changes(view);
        if (changes.Count > 0)
        {
            var edited = r.ApprovedArgumentsJson is not null;
            string[][] rows =
            [
                edited ? ["property", "before", "proposed", "approved"] : ["property", "before", "after"],
                .. changes.Select(ch => edited
                    ? new[] { ch.Property, Text(ch.Before), Text(ch.Proposed), Text(ch.Approved) }
                    : new[] { ch.Property, Text(ch.Before), Text(ch.Proposed) }),
            ];
            var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
            yield return "changes:";
            foreach (var row in rows)
            {
                yield return "  " + string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd();
            }
        }

        if (r.DecidedAt is { } decidedAt)
        {
            var by = r.DecidedBy is null ? string.Empty : $" by {r.DecidedBy}";
            var bulk = r.BulkId is null ? string.Empty : $" (bulk {r.BulkId})";
            yield return $"decided:     {r.Status.ToName()}{by} at {Time(decidedAt)}{bulk}";
        }

        if (view.DecisionNote is not null)
        {
            yield return $"note:        {view.DecisionNote}";
        }

        if (r.ResultJson is not null || r.CompletedAt is not null)
        {
            yield return $"result:      {view.Result?.ToJsonString() ?? "-"}{(r.CompletedAt is { } done ? $" (completed {Time(done)})" : string.Empty)}";
        }
    }

    /// <summary>One proposal as JSON.</summary>
    /// <param name="r">The proposal.</param>
    /// <param name="hidden">The properties the acting user may not read on the proposal's object type.</param>
    public static JsonObject ToJson(ApprovalRequest r, IReadOnlySet<string> hidden) => ToJson(r, ProposalRedaction.Apply(r, hidden));

    private static JsonObject ToJson(ApprovalRequest r, RedactedProposal view) => new()
    {
        ["id"] = r.Id,
        ["status"] = r.Status.ToName(),
        ["tenant"] = r.Tenant,
        ["tool"] = r.Tool,
        ["objectType"] = r.ObjectType,
        ["recordId"] = r.RecordId,
        ["requester"] = r.Requester,
        ["route"] = r.Route == ApprovalRoute.Role ? "role" : "requester",
        ["approverRole"] = r.ApproverRole,
        ["rule"] = r.Rule,
        ["approvalReason"] = r.ApprovalReason,
        ["policyVersion"] = r.PolicyVersion,
        ["executionId"] = r.ExecutionId,
        ["reason"] = view.Reason,
        ["confidence"] = r.Confidence,
        ["createdAt"] = Time(r.CreatedAt),
        ["expiresAt"] = Time(r.ExpiresAt),
        ["arguments"] = GovernedCrm.Governance.Audit.AuditRedaction.Redact(view.Arguments),
        ["argumentsDigest"] = r.ArgumentsDigest,
        ["recordVersion"] = r.RecordVersion,
        ["changes"] = new JsonArray([.. Changes(view).Select(ch => (JsonNode)new JsonObject
        {
            ["property"] = ch.Property,
            ["before"] = ch.Before?.DeepClone(),
            ["proposed"] = ch.Proposed?.DeepClone(),
            ["approved"] = ch.Approved?.DeepClone(),
        })]),
        ["decision"] = r.DecidedAt is null ? null : new JsonObject
        {
            ["status"] = r.Status.ToName(),
            ["by"] = r.DecidedBy,
            ["at"] = Time(r.DecidedAt.Value),
            ["note"] = view.DecisionNote,
            ["bulkId"] = r.BulkId,
            ["edited"] = r.ApprovedArgumentsJson is not null,
            ["approvedArguments"] = GovernedCrm.Governance.Audit.AuditRedaction.Redact(view.ApprovedArguments),
        },
        ["result"] = view.Result?.DeepClone(),
        ["completedAt"] = r.CompletedAt is { } completed ? Time(completed) : null,
    };

    /// <summary>
    /// What <c>approve</c> and <c>reject</c> print under <c>--json</c>: one result per id (decided, or refused with its code
    /// and message), the bulk id of a decision on several ids, and when any was refused the first refusal's
    /// <c>code</c> and <c>message</c> at the top, as every refusal under <c>--json</c> has them.
    /// </summary>
    /// <param name="ids">The ids, in the order given (repeats once).</param>
    /// <param name="results">Their results, in that order.</param>
    public static JsonObject Decisions(IReadOnlyList<string> ids, IReadOnlyList<ApprovalResult> results)
    {
        var json = new JsonObject
        {
            ["bulkId"] = results.Count > 1 ? results.FirstOrDefault(r => r.Request?.BulkId is not null)?.Request?.BulkId : null,
            ["results"] = new JsonArray([.. ids.Distinct(StringComparer.Ordinal).Zip(results, (id, result) => (JsonNode)Decision(id, result))]),
        };
        if (results.FirstOrDefault(r => !r.Succeeded) is { } refused)
        {
            json["code"] = refused.Code;
            json["message"] = refused.Message;
        }

        return json;
    }

    private static JsonObject Decision(string id, ApprovalResult result) => result is { Succeeded: true, Request: { } r }
        ? new JsonObject
        {
            ["id"] = r.Id,
            ["succeeded"] = true,
            ["status"] = r.Status.ToName(),
            ["edited"] = r.ApprovedArgumentsJson is not null,
            ["tool"] = r.Tool,
            ["objectType"] = r.ObjectType,
            ["recordId"] = r.RecordId,
            ["requester"] = r.Requester,
        }
        : new JsonObject { ["id"] = id, ["succeeded"] = false, ["code"] = result.Code, ["message"] = result.Message };

    public static string Target(ApprovalRequest r) =>
        r.ObjectType is null && r.RecordId is null ? "-" : r.RecordId is null ? r.ObjectType! : $"{r.ObjectType ?? "?"}/{r.RecordId}";

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed record Change(string Property, JsonNode? Before, JsonNode? Proposed, JsonNode? Approved);

    private static List<Change> Changes(RedactedProposal view)
    {
        var proposed = view.Proposed ?? [];
        var approved = view.ApprovedArguments is null ? proposed : view.Approved ?? [];
        var before = view.Before as JsonObject;
        var names = proposed.Select(p => p.Key).Concat(approved.Select(p => p.Key)).Distinct(StringComparer.Ordinal);
        return [.. names.Select(name => new Change(
            name,
            before?[name],
            proposed.TryGetPropertyValue(name, out var p) ? p : null,
            approved.TryGetPropertyValue(name, out var a) ? a : null))];
    }

    private static string Text(JsonNode? value) => value switch
    {
        null => "(none)",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => value.ToJsonString(),
    };
}
