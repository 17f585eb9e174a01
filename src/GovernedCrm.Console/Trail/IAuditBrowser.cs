namespace GovernedCrm.AdminConsole.Trail;

/// <summary>
/// What the audit browser reads, implemented by the host with the audit query service that the CLI (<c>audit search</c>,
/// <c>audit history</c>) and <c>Audit.RecordHistory</c> use: the caller's own tenant's chain only, every value redacted
/// for the caller. Answers are the same JSON those give.
/// </summary>
public interface IAuditBrowser
{
    /// <summary>Whether the policy lets <paramref name="caller"/> read the audit trail (admins, and roles an allow rule names <c>Audit.RecordHistory</c> for).</summary>
    /// <param name="caller">The console user.</param>
    /// <returns>True when they may.</returns>
    bool MayRead(CallerIdentity caller);

    /// <summary>One page of entries matching <paramref name="filter"/>, newest first.</summary>
    /// <param name="caller">The console user.</param>
    /// <param name="filter">The filters.</param>
    /// <param name="cursor">The <c>nextCursor</c> of the previous page, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The <c>audit search --json</c> answer, or a refusal.</returns>
    Task<AuditReadAnswer> SearchAsync(CallerIdentity caller, AuditFilter filter, string? cursor, CancellationToken cancellationToken);

    /// <summary>One page of a record's history, oldest first.</summary>
    /// <param name="caller">The console user.</param>
    /// <param name="objectType">The record's object type.</param>
    /// <param name="recordId">The record id.</param>
    /// <param name="cursor">The <c>nextCursor</c> of the previous page, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The <c>Audit.RecordHistory</c> answer, or a refusal.</returns>
    Task<AuditReadAnswer> HistoryAsync(CallerIdentity caller, string objectType, string recordId, string? cursor, CancellationToken cancellationToken);

    /// <summary>The entry at one position of the caller's chain, decoded and redacted.</summary>
    /// <param name="caller">The console user.</param>
    /// <param name="sequence">The position.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The answer (<c>entry</c> as <c>audit export</c> writes it), or a refusal.</returns>
    Task<AuditReadAnswer> EntryAsync(CallerIdentity caller, long sequence, CancellationToken cancellationToken);
}
