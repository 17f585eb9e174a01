namespace GovernedCrm.Hosting;

/// <summary>Where the policy comes from: <c>--policy FILE</c>, else <c>GOVERNEDCRM_POLICY</c>, else the built-in default policy.</summary>
internal static class PolicySource
{
    public const string EnvironmentVariable = "GOVERNEDCRM_POLICY";

    /// <summary>The policy file to use, or null for the built-in default policy.</summary>
    /// <param name="option">The --policy value, if given.</param>
    /// <returns>The full path, or null.</returns>
    public static string? ResolvePath(string? option) => ConfiguredFile.Resolve(option, EnvironmentVariable);

    /// <summary>Loads the policy or refuses to start, naming the file, line and problem.</summary>
    /// <param name="path">The file, or null for the built-in default.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="StartupException">The file is missing or invalid.</exception>
    public static CompiledPolicy Load(string? path)
    {
        if (path is null)
        {
            return BuiltInPolicy.Load();
        }

        var result = PolicyLoader.LoadFile(path);
        if (result.Policy is { } policy)
        {
            return policy;
        }

        throw new StartupException(Describe(path, result.Errors));
    }

    /// <summary>The errors of an invalid policy file as one message: a headline, then one line per problem.</summary>
    /// <param name="path">The file.</param>
    /// <param name="errors">The problems.</param>
    /// <returns>The message.</returns>
    public static string Describe(string path, IReadOnlyList<PolicyError> errors) =>
        $"the policy file {path} is invalid ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):" +
        string.Concat(errors.Select(e => Environment.NewLine + "  " + e));
}
