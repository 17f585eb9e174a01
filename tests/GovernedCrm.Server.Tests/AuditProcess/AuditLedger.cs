using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;

namespace GovernedCrm.Server.Tests.AuditProcess;

/// <summary>
/// The entries of one audit chain, read back from the database file, indexed for the process tests' checks:
/// one linear chain, the write-ahead order of every call, and the entries of every call whose result reached
/// the client (matched by the correlation id the call carried; RECEIVED entries carry only the execution id).
/// </summary>
internal sealed class AuditLedger
{
    private const int MaxProblemsShown = 20;

    private readonly Dictionary<string, List<AuditEntry>> _byExecution = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<AuditEntry>> _byCorrelation = new(StringComparer.Ordinal);

    private AuditLedger(IReadOnlyList<AuditEntry> entries)
    {
        Entries = entries;
        foreach (var entry in entries)
        {
            Add(_byExecution, entry.Record.ExecutionId, entry);
            if (entry.Record.CorrelationId is { } correlation)
            {
                Add(_byCorrelation, correlation, entry);
            }
        }
    }

    public IReadOnlyList<AuditEntry> Entries { get; }

    public int Count(AuditEventType type) => Entries.Count(e => e.Record.Event == type);

    /// <summary>Executions with a PROPOSED entry but no outcome: the calls in flight when a process died.</summary>
    public int ProposedWithoutOutcome() => _byExecution.Values.Count(entries =>
        entries.Any(e => e.Record.Event == AuditEventType.Proposed)
        && !entries.Any(e => e.Record.Event is AuditEventType.Executed or AuditEventType.Failed));

    public static async Task<AuditLedger> ReadAsync(string dataFolder, string chain, CancellationToken cancellationToken)
    {
        var entries = new List<AuditEntry>();
        await foreach (var entry in AuditEntryReader.ReadAsync(Path.Combine(dataFolder, "audit.db"), chain, 0, cancellationToken))
        {
            entries.Add(entry);
        }

        return new AuditLedger(entries);
    }

    /// <summary>
    /// Problems with the chain as a whole: sequence numbers not 0..N-1 (a fork or a gap), an event recorded twice
    /// for one execution, an outcome (EXECUTED, FAILED) without an earlier PROPOSED entry of the same execution,
    /// or a PROPOSED entry without an earlier RECEIVED entry.
    /// </summary>
    public List<string> ChainProblems()
    {
        var problems = new List<string>();
        for (var i = 0; i < Entries.Count; i++)
        {
            if (Entries[i].Sequence != i)
            {
                problems.Add($"entry #{i} has sequence {Entries[i].Sequence}: the chain is not one linear sequence 0..{Entries.Count - 1}");
                break;
            }
        }

        foreach (var (execution, entries) in _byExecution)
        {
            foreach (var twice in entries.GroupBy(e => e.Record.Event).Where(g => g.Count() > 1))
            {
                problems.Add($"execution {execution} has {twice.Count()} {twice.Key} entries (seq {string.Join(", ", twice.Select(e => e.Sequence))})");
            }

            foreach (var outcome in entries.Where(e => e.Record.Event is AuditEventType.Executed or AuditEventType.Failed))
            {
                if (!entries.Any(e => e.Record.Event == AuditEventType.Proposed && e.Sequence < outcome.Sequence))
                {
                    problems.Add($"{outcome.Record.Event} entry {outcome.Sequence} (execution {execution}, {outcome.Record.Tool}) has no earlier PROPOSED entry");
                }
            }

            foreach (var proposed in entries.Where(e => e.Record.Event == AuditEventType.Proposed))
            {
                if (!entries.Any(e => e.Record.Event == AuditEventType.Received && e.Sequence < proposed.Sequence))
                {
                    problems.Add($"PROPOSED entry {proposed.Sequence} (execution {execution}, {proposed.Record.Tool}) has no earlier RECEIVED entry");
                }
            }
        }

        return problems;
    }

    /// <summary>
    /// Problems with the calls whose results reached the client: each must have exactly one PROPOSED and one
    /// EXECUTED entry carrying its correlation id, both with one execution id (the one in the result, for writes),
    /// and a RECEIVED entry of that execution id for the same tool and request, in the order RECEIVED, PROPOSED, EXECUTED.
    /// </summary>
    public List<string> DeliveredCallProblems(IEnumerable<DeliveredCall> calls)
    {
        var problems = new List<string>();
        foreach (var call in calls)
        {
            if (call.IsError)
            {
                problems.Add($"{call.CorrelationId} ({call.Tool}) returned a tool error: {call.Text}");
                continue;
            }

            var mine = _byCorrelation.GetValueOrDefault(call.CorrelationId) ?? [];
            var proposed = mine.Where(e => e.Record.Event == AuditEventType.Proposed).ToList();
            var executed = mine.Where(e => e.Record.Event == AuditEventType.Executed).ToList();
            if (proposed.Count != 1 || executed.Count != 1 || mine.Count != 2)
            {
                problems.Add($"{call.CorrelationId} ({call.Tool}) has {proposed.Count} PROPOSED and {executed.Count} EXECUTED entries " +
                    $"({mine.Count} in all: {string.Join(", ", mine.Select(e => $"{e.Record.Event}@{e.Sequence}"))}); expected one of each");
                continue;
            }

            var (p, x) = (proposed[0], executed[0]);
            var execution = p.Record.ExecutionId;
            if (x.Record.ExecutionId != execution)
            {
                problems.Add($"{call.CorrelationId}: PROPOSED has execution {execution} but EXECUTED has {x.Record.ExecutionId}");
                continue;
            }

            if (call.ExecutionId is { } delivered && delivered != execution)
            {
                problems.Add($"{call.CorrelationId}: the result says execution {delivered} but the entries say {execution}");
            }

            if (call.Tool == CrmCalls.UpdateRecord && call.ExecutionId is null)
            {
                problems.Add($"{call.CorrelationId}: the successful write's result has no executionId");
            }

            var received = _byExecution[execution].Where(e => e.Record.Event == AuditEventType.Received).ToList();
            if (received.Count != 1)
            {
                problems.Add($"{call.CorrelationId} (execution {execution}) has {received.Count} RECEIVED entries; expected 1");
                continue;
            }

            var r = received[0];
            if (!(r.Sequence < p.Sequence && p.Sequence < x.Sequence))
            {
                problems.Add($"{call.CorrelationId}: entries out of order: RECEIVED@{r.Sequence}, PROPOSED@{p.Sequence}, EXECUTED@{x.Sequence}");
            }

            if (r.Record.Tool != call.Tool || p.Record.Tool != call.Tool || x.Record.Tool != call.Tool)
            {
                problems.Add($"{call.CorrelationId}: tool {call.Tool} recorded as {r.Record.Tool}/{p.Record.Tool}/{x.Record.Tool}");
            }

            if (r.Record.RequestId is null || r.Record.RequestId != p.Record.RequestId || p.Record.RequestId != x.Record.RequestId)
            {
                problems.Add($"{call.CorrelationId}: request ids differ: {r.Record.RequestId}/{p.Record.RequestId}/{x.Record.RequestId}");
            }

            if (x.Record.Outcome != "executed" || x.Record.Actor != ServerLaunch.User)
            {
                problems.Add($"{call.CorrelationId}: EXECUTED entry has outcome {x.Record.Outcome} and actor {x.Record.Actor}");
            }
        }

        return problems;
    }

    /// <summary>Formats problems for an assertion message: the count and the first few.</summary>
    public static string Describe(IReadOnlyCollection<string> problems) =>
        $"{problems.Count} problem(s):\n  " + string.Join("\n  ", problems.Take(MaxProblemsShown)) +
        (problems.Count > MaxProblemsShown ? $"\n  … and {problems.Count - MaxProblemsShown} more" : "");

    private static void Add(Dictionary<string, List<AuditEntry>> index, string key, AuditEntry entry)
    {
        if (!index.TryGetValue(key, out var list))
        {
            list = [];
            index[key] = list;
        }

        list.Add(entry);
    }
}
