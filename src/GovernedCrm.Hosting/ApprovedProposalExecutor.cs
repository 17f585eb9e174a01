using GovernedCrm.Mcp.Governance;

namespace GovernedCrm.Hosting;

/// <summary>
/// Executes proposals approved outside this server's MCP sessions (by `governed-crm approvals approve`, or by
/// another server sharing the data folder): every few seconds, claims approved proposals and runs them through the
/// governance pipeline. A claim is compare-and-set, so each proposal runs once however many servers poll. A decision
/// is taken in two writes (the queue, then its entry in the chain, whose position the queue then notes): a proposal
/// is run once its entry's position is noted, or, when that note is missing, after <see cref="Grace"/> (the
/// approval step then looks for the entry by the approval id, and refuses the run if the chain holds none). Also
/// expires overdue proposals.
/// </summary>
internal sealed partial class ApprovedProposalExecutor(
    ApprovalService approvals, IApprovalStore store, ApprovedProposalDispatcher runner, TimeProvider time, ILogger<ApprovedProposalExecutor> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    /// <summary>How long an approved proposal whose decision entry is not noted yet waits before it runs anyway.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Expires overdue proposals and executes the approved ones.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await approvals.ExpireDueAsync(cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            foreach (var approved in await store.ListAsync(null, ApprovalStatus.Approved, 50, cancellationToken).ConfigureAwait(false))
            {
                if (approved.DecisionSequence is null && approved.DecidedAt is { } decided && now - decided < Grace)
                {
                    continue;
                }

                if (await runner.ExecuteAsync(approved.Id, cancellationToken).ConfigureAwait(false) is { } done)
                {
                    LogExecuted(logger, done.Id, done.Status.ToString());
                }
            }
        }
#pragma warning disable CA1031 // A failed round is logged and retried on the next tick; proposals stay where they were.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogFailed(logger, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Approved proposal {ApprovalId} ran: {Status}")]
    private static partial void LogExecuted(ILogger logger, string approvalId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Running approved proposals failed ({Error}: {Reason}); retried shortly")]
    private static partial void LogFailed(ILogger logger, string error, string reason);
}
