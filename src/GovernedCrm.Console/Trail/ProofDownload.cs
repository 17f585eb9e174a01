namespace GovernedCrm.AdminConsole.Trail;

/// <summary>An inclusion proof bundle to download, or why not.</summary>
/// <param name="FileName">The file's name.</param>
/// <param name="Content">The file (JSON, as <c>audit prove</c> prints it).</param>
/// <param name="Code">The refusal's code, when refused.</param>
/// <param name="Message">The refusal's message, when refused.</param>
public sealed record ProofDownload(string? FileName, string? Content, string? Code = null, string? Message = null)
{
    /// <summary>The code of a proof refused because the entry holds a value the caller may not read.</summary>
    public const string RedactedCode = "audit.proof_redacted";

    /// <summary>The code of a proof that cannot be built yet (no signed checkpoint covers the entry) or at all (no such entry).</summary>
    public const string UnavailableCode = "audit.proof_unavailable";

    /// <summary>True when there is a file.</summary>
    public bool Succeeded => Content is not null;
}
