using GovernedCrm.Audit.Witnesses;

namespace GovernedCrm.Hosting;

/// <summary>
/// The witnesses the server publishes signed audit checkpoints to: <c>serve --witness URL|DIR</c> (repeatable), else
/// <c>GOVERNEDCRM_WITNESS</c> (comma separated), else none (docs/witnesses.md).
/// </summary>
internal static class WitnessSettings
{
    public const string Option = "--witness";
    public const string Variable = "GOVERNEDCRM_WITNESS";

    /// <summary>The witnesses of the options, else of the environment variable.</summary>
    /// <exception cref="StartupException">A value is not a witness (one line, exit 2, before the data folder is touched).</exception>
    public static IReadOnlyList<WitnessTarget> Resolve(IReadOnlyList<string>? options, Func<string, string?> environment)
    {
        try
        {
            return WitnessTarget.Resolve(options, environment(Variable));
        }
        catch (FormatException ex)
        {
            throw new StartupException($"{(options is { Count: > 0 } ? Option : Variable)}: {ex.Message}", ex);
        }
    }
}
