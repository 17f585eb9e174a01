using GovernedCrm.AdminConsole.Trail;
using Microsoft.Data.Sqlite;

namespace GovernedCrm.Hosting.ConsoleAudit;

/// <summary>
/// The console's audit browser over <see cref="AuditQueryService"/>, the service of <c>audit search</c>,
/// <c>audit history</c> and <c>Audit.RecordHistory</c>: always the caller's own tenant's chain (the console offers no
/// other), every value redacted for the caller. A caller the policy does not let read the trail is refused here too.
/// </summary>
/// <param name="service">The audit query service over the server's audit database and policy.</param>
internal sealed class ConsoleAuditBrowser(AuditQueryService service) : IAuditBrowser
{
    /// <inheritdoc />
    public bool MayRead(CallerIdentity caller) => service.MayRead(caller);

    /// <inheritdoc />
    public Task<AuditReadAnswer> SearchAsync(CallerIdentity caller, AuditFilter filter, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return ReadAsync(caller, () => service.SearchAsync(
            caller,
            new AuditSearchRequest(
                Tenant: null, filter.ObjectType, filter.RecordId, filter.Actor, filter.Event, filter.Tool, filter.ExecutionId, filter.Since, filter.Until,
                AuditSearchRequest.DefaultLimit, cursor),
            cancellationToken));
    }

    /// <inheritdoc />
    public Task<AuditReadAnswer> HistoryAsync(CallerIdentity caller, string objectType, string recordId, string? cursor, CancellationToken cancellationToken) =>
        ReadAsync(caller, () => service.HistoryAsync(
            caller, new RecordHistoryRequest(objectType, recordId, Tenant: null, RecordHistoryRequest.DefaultLimit, cursor), cancellationToken));

    /// <inheritdoc />
    public Task<AuditReadAnswer> EntryAsync(CallerIdentity caller, long sequence, CancellationToken cancellationToken) =>
        ReadAsync(caller, () => service.EntryAsync(caller, sequence, tenant: null, cancellationToken));

    private async Task<AuditReadAnswer> ReadAsync(CallerIdentity caller, Func<Task<AuditAnswer>> read)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!service.MayRead(caller))
        {
            return AuditReadAnswer.Refused(AdminToolsPolicy.AdminOnlyCode, "The policy does not let your roles read the audit trail.");
        }

        try
        {
            var answer = await read().ConfigureAwait(false);
            return new AuditReadAnswer(answer.Body, answer.Code, answer.Message);
        }
        catch (InvalidDataException)
        {
            return AuditReadAnswer.Refused(AuditReadAnswer.UndecodableCode, "An entry of this page does not decode: the chain may have been tampered with. Verify it.");
        }
        catch (SqliteException)
        {
            return AuditReadAnswer.Refused(AuditReadAnswer.UnavailableCode, "The audit database cannot be read right now.");
        }
    }
}
