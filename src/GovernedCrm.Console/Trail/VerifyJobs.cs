using System.Collections.Concurrent;
using System.Security.Cryptography;
using GovernedCrm.Audit.Records;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GovernedCrm.AdminConsole.Trail;

/// <summary>
/// One-click verification as background jobs, so a page without script can show the walk's progress: the button
/// starts a job and the browser is sent to its status page, which reloads itself until the walk is done. A job
/// belongs to the user who started it (anyone else is told there is no such job); a user has at most one walk running
/// (pressing again shows it); finished jobs are kept for <see cref="Retention"/>. Every run is an audit entry
/// (<see cref="ConsoleAuditRecords.Verified"/>), written before its result is shown: a result the trail cannot
/// record is not shown.
/// </summary>
/// <param name="integrity">Runs the walk.</param>
/// <param name="trail">The audit trail.</param>
/// <param name="time">The clock.</param>
/// <param name="lifetime">Stops the walks when the server stops.</param>
/// <param name="logger">Logs a walk that could not run.</param>
public sealed partial class VerifyJobs(IChainIntegrity integrity, IAuditTrail trail, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<VerifyJobs> logger)
{
    /// <summary>How long a finished job's result stays available.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<string, VerifyJob> _jobs = new(StringComparer.Ordinal);

    /// <summary>Starts a walk of <paramref name="caller"/>'s chain, or returns the one they already have running.</summary>
    /// <param name="caller">The console user (who may verify).</param>
    /// <returns>The job.</returns>
    public VerifyJob Start(CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Prune();
        if (_jobs.Values.FirstOrDefault(j => j.IsOwnedBy(caller) && !j.IsDone) is { } running)
        {
            return running;
        }

        var job = new VerifyJob(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), caller.UserId, caller.Tenant, time.GetUtcNow());
        _jobs[job.Id] = job;
        _ = Task.Run(() => RunAsync(job, caller));
        return job;
    }

    /// <summary>The job <paramref name="id"/> if <paramref name="caller"/> started it.</summary>
    /// <param name="id">The job id.</param>
    /// <param name="caller">The console user.</param>
    /// <returns>The job, or null.</returns>
    public VerifyJob? Find(string? id, CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return id is not null && _jobs.TryGetValue(id, out var job) && job.IsOwnedBy(caller) ? job : null;
    }

    private async Task RunAsync(VerifyJob job, CallerIdentity caller)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            var result = await integrity.VerifyAsync(caller, job, stopping).ConfigureAwait(false);
            await trail.AppendAsync(ConsoleAuditRecords.Verified(caller, result), stopping).ConfigureAwait(false);
            job.Complete(result, time.GetUtcNow());
        }
        catch (AuditUnavailableException)
        {
            job.Fail("The audit trail cannot record this verification, so its result is not shown. Try again shortly.", time.GetUtcNow());
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            job.Fail("The server stopped before the walk finished.", time.GetUtcNow());
        }
#pragma warning disable CA1031 // A walk that cannot run is reported on its page, by a code; the exception's text stays in the log.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(logger, ex.GetType().Name, ex);
            try
            {
                await trail.AppendAsync(ConsoleAuditRecords.VerifyFailed(caller, "unreadable"), stopping).ConfigureAwait(false);
                job.Fail("The audit database could not be read to verify it (the server's log says why). Run governed-crm verify on the server.", time.GetUtcNow());
            }
            catch (AuditUnavailableException)
            {
                job.Fail("The audit trail cannot be read or written. Try again shortly.", time.GetUtcNow());
            }
        }
    }

    private void Prune()
    {
        var cutoff = time.GetUtcNow() - Retention;
        foreach (var (id, job) in _jobs)
        {
            if (job.FinishedAt is { } finished && finished < cutoff)
            {
                _jobs.TryRemove(id, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A verification from the console could not run ({Error})")]
    private static partial void LogFailed(ILogger logger, string error, Exception exception);
}
