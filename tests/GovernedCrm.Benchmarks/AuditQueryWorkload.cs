using GovernedCrm.Audit.Records;
using System.Globalization;
using GovernedCrm.Governance.Audit;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// The entries of a realistic mix of governed calls for the audit-query benchmark, spread over three tenants (80/15/5%),
/// 200 users per tenant and 20,000 records (deals and contacts, a few hot, most rarely touched): 75% reads
/// (RECEIVED, PROPOSED, EXECUTED), 18% writes (the same with before and after values), 4% writes that need approval
/// (RECEIVED, APPROVAL_REQUESTED, then APPROVED or REJECTED by a manager and, when approved, PROPOSED and EXECUTED),
/// 3% denied calls (RECEIVED, DENIED). Execution ids are version 7 GUIDs, as the server makes them.
/// </summary>
internal sealed class AuditQueryWorkload(int seed)
{
    public static readonly string[] Tenants = ["default", "northwind", "acme"];
    public const int UsersPerTenant = 200;
    public const int Records = 20_000;

    private static readonly string[] Stages = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "closedwon", "closedlost"];
    private readonly Random _random = new(seed);
    private long _calls;

    /// <summary>The entries of the next call, in order.</summary>
    public List<AuditRecord> NextCall()
    {
        var tenant = Pick(_random.Next(100) switch { < 80 => 0, < 95 => 1, _ => 2 });
        var actor = User(_random.Next(UsersPerTenant));
        var (objectType, recordId) = Record();
        var execution = Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000 + (_calls++ * 40))).ToString("N");
        var kind = _random.Next(100);
        var tool = kind < 75 ? (_random.Next(4) == 0 ? "CRM.SearchRecords" : "CRM.GetRecord") : "CRM.UpdateRecord";
        var write = tool == "CRM.UpdateRecord";
        var amount = (1 + _random.Next(200)) * 500;
        var basis = new AuditRecord
        {
            Tenant = tenant,
            Event = AuditEventType.Received,
            Action = write ? AuditActionType.Write : AuditActionType.Read,
            Actor = actor,
            OnBehalfOf = "claude-desktop/1.2",
            SessionId = "s-" + _random.Next(5000).ToString(CultureInfo.InvariantCulture),
            RequestId = _random.Next(1000).ToString(CultureInfo.InvariantCulture),
            ExecutionId = execution,
            Tool = tool,
            TargetSystem = "crm",
            ObjectType = objectType,
            RecordId = tool == "CRM.SearchRecords" ? null : recordId,
            Outcome = "received",
            PolicyVersion = "sha256:0123456789abcdef",
        };
        var changed = basis with
        {
            Properties = "amount",
            PreviousValues = $$"""{"amount":{{amount}},"version":{{1 + _random.Next(9)}}}""",
            ProposedValues = $$"""{"amount":{{amount + 2500}}}""",
            Reasoning = "The customer confirmed the new volume.",
            Confidence = 0.8,
        };
        var executed = $$$"""{"outcome":"executed","objectType":"{{{objectType}}}","recordId":"{{{recordId}}}","version":{{{2 + _random.Next(9)}}},"after":{"amount":{{{amount + 2500}}}}}""";
        var rule = write ? "write-crm" : "read-crm";
        if (kind >= 97)
        {
            return [basis, basis with { Event = AuditEventType.Denied, Action = AuditActionType.Deny, Outcome = "denied:policy.denied.role", Rule = "read-crm" }];
        }

        if (!write)
        {
            return [basis, basis with { Event = AuditEventType.Proposed, Outcome = "allowed", Rule = rule },
                basis with { Event = AuditEventType.Executed, Outcome = "executed", Rule = rule, Result = $$"""{"objectType":"{{objectType}}","recordId":"{{recordId}}","version":3}""" }];
        }

        if (kind < 93)
        {
            return [basis, changed with { Event = AuditEventType.Proposed, Outcome = "allowed", Rule = rule },
                changed with { Event = AuditEventType.Executed, Outcome = "executed", Rule = rule, PreviousValues = null, ProposedValues = null, Result = executed }];
        }

        var approval = "apr_" + execution[..20];
        var manager = User(UsersPerTenant - 1 - _random.Next(10));
        var requested = changed with { Event = AuditEventType.ApprovalRequested, Outcome = "pending_approval:" + approval, Rule = "big-deals", Approver = "role:manager" };
        if (_random.Next(4) == 0)
        {
            return [basis, requested, requested with { Event = AuditEventType.Rejected, Action = AuditActionType.Reject, Approver = manager, Outcome = $"rejected;single;approval:{approval}", Result = """{"reason":"Not this quarter."}""" }];
        }

        return [basis, requested,
            requested with { Event = AuditEventType.Approved, Action = AuditActionType.Approve, Approver = manager, Outcome = $"approved;single;approval:{approval}" },
            changed with { Event = AuditEventType.Proposed, Outcome = $"allowed;approval:{approval}", Rule = "big-deals", Approver = manager, ProposedValues = $$"""{"amount":{{amount + 2500}},"dealstage":"{{Stages[_random.Next(Stages.Length)]}}"}""" },
            changed with { Event = AuditEventType.Executed, Outcome = $"executed;approval:{approval}", Rule = "big-deals", Approver = manager, PreviousValues = null, ProposedValues = null, Result = executed }];
    }

    /// <summary>A record, a few hot ones far more often than the rest (about a fifth of calls touch the hottest 1%).</summary>
    public (string ObjectType, string RecordId) Record()
    {
        var index = _random.Next(5) == 0 ? _random.Next(Records / 100) : _random.Next(Records);
        return index % 2 == 0 ? ("deal", (10_000 + index).ToString(CultureInfo.InvariantCulture)) : ("contact", (50_000 + index).ToString(CultureInfo.InvariantCulture));
    }

    public static string User(int index) => "user" + index.ToString("D3", CultureInfo.InvariantCulture);

    private static string Pick(int index) => Tenants[index];
}
