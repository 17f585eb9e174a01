using GovernedCrm.Governance.Policy;

namespace GovernedCrm.Server.Hosting;

/// <summary>The policy the server starts with, and the file it came from (null for the built-in default), which is watched for changes.</summary>
/// <param name="Policy">The policy loaded at startup.</param>
/// <param name="Path">The policy file, or null.</param>
internal sealed record ServerPolicy(CompiledPolicy Policy, string? Path);
