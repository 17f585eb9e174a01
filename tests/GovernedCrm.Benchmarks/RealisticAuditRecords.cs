using System.Globalization;
using GovernedCrm.Audit.Records;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// Audit records shaped like the ones governed-crm writes: for each tool call a RECEIVED entry (from the
/// message filter), a PROPOSED entry (the write-ahead step, with before and proposed values for writes) and an
/// EXECUTED entry (with the compact result summary). Mostly reads, some searches, some updates; deterministic.
/// </summary>
internal sealed class RealisticAuditRecords(int seed)
{
    public const string Tenant = "default";

    private static readonly string[] Actors = ["alice", "bob.nguyen", "carol", "d.okafor", "erin"];
    private static readonly string[] Clients = ["claude-desktop/0.12.4", "vscode-copilot/1.104.0", "governed-crm-e2e/0.1.0"];
    private static readonly string[] Stages = ["appointmentscheduled", "qualifiedtobuy", "contractsent", "closedwon"];
    private static readonly string[] Reasons =
    [
        "Customer confirmed the new budget on today's call",
        "Stage moved after the signed order form arrived",
        "Correcting the amount to match the quote",
    ];

    private readonly Random _random = new(seed);
    private readonly Queue<AuditRecord> _pending = new();
    private long _request;

    /// <summary>The next record; three consecutive records belong to one call.</summary>
    public AuditRecord Next()
    {
        if (_pending.Count == 0)
        {
            NextCall();
        }

        return _pending.Dequeue();
    }

    private void NextCall()
    {
        var kind = _random.Next(100);
        var tool = kind < 60 ? "CRM.GetRecord" : kind < 85 ? "CRM.SearchRecords" : "CRM.UpdateRecord";
        var objectType = tool == "CRM.GetRecord" && _random.Next(3) == 0 ? "contact" : "deal";
        var recordId = tool == "CRM.SearchRecords" ? null
            : (objectType == "deal" ? 3001 + _random.Next(40) : 1001 + _random.Next(60)).ToString(CultureInfo.InvariantCulture);
        var execution = Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000 + (_request * 37))).ToString("N");
        Span<byte> digestBytes = stackalloc byte[32];
        _random.NextBytes(digestBytes);
        var digest = Convert.ToHexStringLower(digestBytes);
        var received = new AuditRecord
        {
            Tenant = Tenant,
            Event = AuditEventType.Received,
            Action = AuditActionType.Read,
            Actor = Actors[_random.Next(Actors.Length)],
            OnBehalfOf = Clients[_random.Next(Clients.Length)],
            RequestId = (++_request).ToString(CultureInfo.InvariantCulture),
            ExecutionId = execution,
            Tool = tool,
            Outcome = "received",
        };
        var write = tool == "CRM.UpdateRecord";
        var proposed = received with
        {
            Event = AuditEventType.Proposed,
            Action = write ? AuditActionType.Write : AuditActionType.Read,
            TargetSystem = "crm",
            ObjectType = objectType,
            RecordId = recordId,
            Reasoning = write ? Reasons[_random.Next(Reasons.Length)] : null,
            Confidence = write ? 0.9 : null,
            PolicyVersion = "v1",
            Rule = "builtin.allow-all",
            Outcome = "allowed",
            ArgumentsDigest = digest,
        };
        if (write)
        {
            var amount = (1 + _random.Next(200)) * 500;
            proposed = proposed with
            {
                Properties = "amount,dealstage",
                PreviousValues = $$"""{"amount":"{{amount}}","dealstage":"{{Stages[_random.Next(Stages.Length)]}}"}""",
                ProposedValues = $$"""{"amount":{{amount + 2500}},"dealstage":"{{Stages[_random.Next(Stages.Length)]}}"}""",
            };
        }

        var result = tool switch
        {
            "CRM.SearchRecords" => $$"""{"count":3,"recordIds":["{{3001 + _random.Next(40)}}","{{3001 + _random.Next(40)}}","{{3001 + _random.Next(40)}}"]}""",
            "CRM.UpdateRecord" => $$"""{"outcome":"updated","recordId":"{{recordId}}","version":{{2 + _random.Next(9)}}}""",
            _ => $$"""{"recordId":"{{recordId}}","version":{{1 + _random.Next(9)}}}""",
        };
        var executed = proposed with
        {
            Event = AuditEventType.Executed,
            Properties = null,
            PreviousValues = null,
            ProposedValues = null,
            Result = result,
            Outcome = "executed",
        };
        _pending.Enqueue(received);
        _pending.Enqueue(proposed);
        _pending.Enqueue(executed);
    }
}
