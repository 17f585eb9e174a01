using System.Diagnostics;
using GovernedCrm.Audit.Records;
using GovernedCrm.Governance.Audit;
using Microsoft.Data.Sqlite;
using GovernedCrm.Governance.Steps.Audit;

namespace GovernedCrm.Server.Tests.AuditProcess;

/// <summary>
/// Another process holding the audit database's write lock for longer than the busy timeout (5 s) makes one
/// append fail. A call whose result then reaches the client as a success must still have all its entries; if an
/// entry could not be written, the client must get an error instead (and nothing may have run without PROPOSED).
/// </summary>
[Collection(AuditProcessGroup.Name)]
public sealed class AuditLockContentionTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(12);

    private readonly string _folder = Directory.CreateTempSubdirectory("governedcrm-auditlock-").FullName;

    private string Data => Path.Combine(_folder, "data");

    [Fact]
    [Trait("Category", "Slow")]
    public async Task AuditLockedPastBusyTimeout_WhenCallArrives_SuccessfulCallStillHasReceivedEntry()
    {
        await using var server = await McpServerChild.StartAsync("server", Data, StartTimeout);
        await CrmCalls.GetDealAsync(server.Client, "warm-up", "3001", CancellationToken.None);

        DeliveredCall call;
        await using (var auditLock = await WriteLockAsync("audit.db"))
        {
            var pending = CrmCalls.GetDealAsync(server.Client, "lock-received", "3002", CancellationToken.None);
            await HoldAsync(server, "Audit RECEIVED entry for", "could not be written");
            await auditLock.RollbackAsync();
            call = await pending.WaitAsync(StepTimeout);
        }

        await AssertFailsClosedOrCompleteAsync(server, call);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task AuditLockedPastBusyTimeout_WhenWriteCompletes_SuccessfulWriteStillHasExecutedEntry()
    {
        await using var server = await McpServerChild.StartAsync("server", Data, StartTimeout);
        await CrmCalls.UpdateDealAsync(server.Client, "warm-up", "3001", 1_111, CancellationToken.None);
        var proposedBefore = await CountAsync("Proposed");

        DeliveredCall call;
        await using (var crmLock = await WriteLockAsync("crm.db"))
        {
            // The write is proposed (audit free), then waits for the CRM lock inside the tool.
            var pending = CrmCalls.UpdateDealAsync(server.Client, "lock-executed", "3002", 2_222, CancellationToken.None);
            await WaitForAsync(async () => await CountAsync("Proposed") > proposedBefore, "the write's PROPOSED entry");

            // Take the audit lock, then let the tool finish: its EXECUTED append waits past the busy timeout.
            await using var auditLock = await WriteLockAsync("audit.db");
            await crmLock.RollbackAsync();
            await HoldAsync(server, "Audit entry Executed for CRM.UpdateRecord", "could not be written");
            await auditLock.RollbackAsync();
            call = await pending.WaitAsync(StepTimeout);
        }

        await AssertFailsClosedOrCompleteAsync(server, call);
    }

    public void Dispose() => TempFolder.Delete(_folder);

    private async Task AssertFailsClosedOrCompleteAsync(McpServerChild server, DeliveredCall call)
    {
        var ledger = await AuditLedger.ReadAsync(Data, "default", CancellationToken.None);
        if (call.IsError)
        {
            call.Text.Should().StartWith(AuditStep.UnavailableCode, "a call refused for the audit's sake says so");
            ledger.Entries.Should().NotContain(e => e.Record.CorrelationId == call.CorrelationId && e.Record.Event == AuditEventType.Proposed,
                "a call refused for the audit's sake must not have run");
            return;
        }

        var problems = ledger.DeliveredCallProblems([call]);
        problems.Should().BeEmpty("a call answered with success must have all its entries: {0}\n{1}", AuditLedger.Describe(problems), server.StderrTail);
    }

    /// <summary>Holds the write lock of a database in the data folder (BEGIN IMMEDIATE) until rolled back or disposed.</summary>
    private async Task<LockedDatabase> WriteLockAsync(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(Data, file), Pooling = false }.ToString());
        await connection.OpenAsync();
        var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        return new LockedDatabase(connection, transaction);
    }

    private async Task<long> CountAsync(string auditEvent)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(Data, "audit.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM audit_entries WHERE event = $event";
        command.Parameters.AddWithValue("$event", auditEvent);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Keeps a lock until the server logs that the entry could not be written, or for <see cref="MaxHold"/> (more
    /// than twice the busy timeout) if it never does, e.g. because it retries.
    /// </summary>
    private static async Task HoldAsync(McpServerChild server, string start, string end)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < MaxHold
            && !server.StderrTail.Split('\n').Any(l => l.Contains(start, StringComparison.Ordinal) && l.Contains(end, StringComparison.Ordinal)))
        {
            await Task.Delay(20);
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > StepTimeout)
            {
                throw new TimeoutException($"{what} did not appear within {StepTimeout}");
            }

            await Task.Delay(20);
        }
    }

    private sealed class LockedDatabase(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable
    {
        private bool _released;

        public async Task RollbackAsync()
        {
            if (!_released)
            {
                _released = true;
                await transaction.RollbackAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
