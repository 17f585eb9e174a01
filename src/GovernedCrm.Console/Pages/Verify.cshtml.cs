using GovernedCrm.AdminConsole.Trail;

namespace GovernedCrm.AdminConsole.Pages;

/// <summary>
/// One-click verification of the user's tenant's chain: the chain's newest signed checkpoint and its anchor, a button
/// (a POST with the antiforgery token) that starts the same walk as <c>governed-crm verify --tenant T</c> as a
/// background job, and the job's page, which reloads itself (a meta refresh: the console runs no script) with the
/// number of entries walked until the result is in: "chain valid: N entries walked in T ms" or "chain broken at
/// position N: CODE", linked to that entry. Each run is an audit entry.
/// </summary>
/// <param name="integrity">The chain checks.</param>
/// <param name="jobs">The verification jobs.</param>
/// <param name="access">The policy's answers.</param>
public sealed class VerifyModel(IChainIntegrity integrity, VerifyJobs jobs, ConsoleAccess access) : ConsolePageModel
{
    /// <summary>Seconds between reloads of a running job's page.</summary>
    public const int RefreshSeconds = 1;

    /// <summary>False when the policy does not let the user verify.</summary>
    public bool Allowed { get; private set; } = true;

    /// <summary>The chain's checkpoint and anchor.</summary>
    public ChainState? State { get; private set; }

    /// <summary>The job shown, if any.</summary>
    public VerifyJob? Job { get; private set; }

    /// <summary>True when a job id was asked for that is not the user's (or no longer kept).</summary>
    public bool UnknownJob { get; private set; }

    /// <summary>Shows the chain's state, and a job's progress or result.</summary>
    /// <param name="job">The job id, if any.</param>
    /// <returns>The page.</returns>
    public async Task<IActionResult> OnGetAsync(string? job)
    {
        if (!Allow())
        {
            return Page();
        }

        if (job is not null)
        {
            Job = jobs.Find(job, Caller);
            if (Job is null)
            {
                UnknownJob = true;
                Response.StatusCode = StatusCodes.Status404NotFound;
            }
        }

        State = await integrity.StateAsync(Caller, HttpContext.RequestAborted).ConfigureAwait(false);
        return Page();
    }

    /// <summary>Starts a walk (or finds the user's running one) and shows its page.</summary>
    /// <returns>A redirect to the job's page.</returns>
    public IActionResult OnPost()
    {
        if (!Allow())
        {
            return Page();
        }

        var started = jobs.Start(Caller);
        return LocalRedirect($"{ConsoleNavigation.VerifyPath}/{started.Id}");
    }

    private bool Allow()
    {
        if (access.MayVerify(Caller))
        {
            return true;
        }

        Allowed = false;
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return false;
    }
}
