namespace GovernedCrm.Governance.Policy;

/// <summary>The policy's <c>limits.writes_per_user</c>: at most <paramref name="Max"/> allowed writes per user in any sliding <paramref name="Window"/>.</summary>
/// <param name="Max">How many writes the window allows.</param>
/// <param name="Window">The window's length.</param>
public sealed record WriteRateLimit(int Max, TimeSpan Window);
