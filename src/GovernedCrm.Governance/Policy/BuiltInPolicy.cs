using System.Text;

namespace GovernedCrm.Governance.Policy;

/// <summary>
/// The default policy the server uses when no policy file is configured: samples/policies/default.yaml,
/// embedded in this assembly, so the documented sample and the default can never drift apart.
/// </summary>
public static class BuiltInPolicy
{
    /// <summary>The source name of the built-in policy in errors and summaries.</summary>
    public const string SourceName = "built-in default policy";

    /// <summary>The embedded resource's name.</summary>
    public const string ResourceName = "GovernedCrm.Governance.Policy.default.yaml";

    private static readonly Lazy<CompiledPolicy> Policy = new(Compile);

    /// <summary>The built-in default policy (compiled once).</summary>
    /// <returns>The policy.</returns>
    /// <exception cref="InvalidOperationException">The embedded policy is missing or invalid: a build defect, caught by the tests.</exception>
    public static CompiledPolicy Load() => Policy.Value;

    /// <summary>The built-in policy's exact text, e.g. for <c>policy init</c> to write a starting file.</summary>
    /// <returns>The YAML text.</returns>
    public static string Text() => Encoding.UTF8.GetString(Bytes());

    private static byte[] Bytes()
    {
        using var stream = typeof(BuiltInPolicy).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The built-in policy resource '{ResourceName}' is missing from the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static CompiledPolicy Compile()
    {
        var bytes = Bytes();
        var result = PolicyLoader.Load(Encoding.UTF8.GetString(bytes), SourceName, bytes);
        return result.Policy ?? throw new InvalidOperationException(
            "The built-in policy is invalid: " + string.Join("; ", result.Errors));
    }
}
