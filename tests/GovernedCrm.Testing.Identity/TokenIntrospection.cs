namespace GovernedCrm.Testing.Identity;

/// <summary>What the provider's introspection endpoint says about a token.</summary>
/// <param name="Active">Whether the token is active.</param>
/// <param name="Subject">The account it was issued for, when active.</param>
/// <param name="ClientId">The client it was issued to, when active.</param>
public sealed record TokenIntrospection(bool Active, string? Subject, string? ClientId);
