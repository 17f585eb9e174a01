namespace GovernedCrm.Server.Tests.Packaging;

/// <summary>What a dotnet command did.</summary>
internal sealed record CliResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"`{Command}` exited with {ExitCode} after {Elapsed.TotalSeconds:F0} s; it printed:\n{Output}";
}
