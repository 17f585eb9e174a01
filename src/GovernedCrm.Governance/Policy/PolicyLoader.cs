using System.Text;
using GovernedCrm.Governance.Policy.Evaluation;
using GovernedCrm.Governance.Policy.Yaml;

namespace GovernedCrm.Governance.Policy;

/// <summary>
/// Loads policy files: reads the YAML, checks everything (reporting every problem with its line and column,
/// not just the first) and compiles the result into a <see cref="CompiledPolicy"/>.
/// </summary>
public static class PolicyLoader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Loads a policy from text.</summary>
    /// <param name="yamlText">The policy file's text.</param>
    /// <param name="sourceName">The name errors and the summary use for it (a file name, not a full path, is friendliest).</param>
    /// <param name="bytesForVersion">The file's exact bytes, hashed for the version; null to hash the text's UTF-8 encoding.</param>
    /// <returns>The policy, or the errors.</returns>
    public static PolicyLoadResult Load(string yamlText, string sourceName, byte[]? bytesForVersion = null)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(sourceName);
        var errors = new PolicyErrorList(sourceName);
        var definition = PolicyDefinitionReader.Read(yamlText, errors);
        if (definition is null || errors.Any)
        {
            return new PolicyLoadResult { Errors = errors.ToList() };
        }

        var version = PolicyVersion.Of(bytesForVersion ?? Encoding.UTF8.GetBytes(yamlText));
        return new PolicyLoadResult { Policy = new CompiledPolicy(definition, sourceName, version) };
    }

    /// <summary>Loads a policy file (UTF-8). Errors name the file as <paramref name="path"/> was given.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The policy, or the errors (including "cannot read the file").</returns>
    public static PolicyLoadResult LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return new PolicyLoadResult { Errors = [new PolicyError(path, 0, 0, $"cannot read the policy file: {ex.Message}")] };
        }

        string text;
        try
        {
            var body = bytes.AsSpan();
            if (body.StartsWith(Encoding.UTF8.Preamble))
            {
                body = body[Encoding.UTF8.Preamble.Length..];
            }

            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return new PolicyLoadResult { Errors = [new PolicyError(path, 0, 0, "the policy file is not valid UTF-8; save it as UTF-8")] };
        }

        return Load(text, path, bytes);
    }
}
