namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// The governed call of the current request (a scoped service). The governance filter sets it before the
/// tool runs; governed tools read the caller from it and refuse to run when it is missing, so a tool
/// registered without the governance filter fails closed instead of running ungoverned.
/// </summary>
public sealed class GovernedCallAccessor
{
    /// <summary>The current call, or null when the governance filter did not run.</summary>
    public GovernedCall? Current { get; internal set; }

    /// <summary>The current call; throws when the governance filter did not run.</summary>
    /// <returns>The call.</returns>
    /// <exception cref="InvalidOperationException">The tool was invoked outside the governance pipeline.</exception>
    public GovernedCall Require() =>
        Current ?? throw new InvalidOperationException(
            "This tool was invoked outside the governance pipeline. Register tools with WithGovernedTools<T>() (or call AddGovernance()) so every call is governed.");
}
