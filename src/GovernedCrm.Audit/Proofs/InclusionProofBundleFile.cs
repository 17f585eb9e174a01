using System.Text.Encodings.Web;
using System.Text.Json;

namespace GovernedCrm.Audit.Proofs;

/// <summary>
/// The file an inclusion proof travels in: what <c>governed-crm audit prove</c> prints and the console downloads, and
/// what <c>audit check-proof</c> reads. One writer and one reader, so every producer makes the file the checker accepts.
/// </summary>
public static class InclusionProofBundleFile
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The file name the console gives a downloaded bundle of <paramref name="bundle"/>.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <returns>A name such as <c>audit-proof-default-42.json</c>.</returns>
    public static string FileName(InclusionProofBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var chain = new string([.. bundle.Chain.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
        return $"audit-proof-{chain}-{bundle.Sequence}.json";
    }

    /// <summary>The bundle as the file's text (indented JSON).</summary>
    /// <param name="bundle">The bundle.</param>
    /// <returns>The text.</returns>
    public static string Write(InclusionProofBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return JsonSerializer.Serialize(bundle, Options);
    }

    /// <summary>Reads a bundle from the file's text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The bundle, or null when the text is JSON <c>null</c>.</returns>
    /// <exception cref="JsonException">The text is not a bundle.</exception>
    public static InclusionProofBundle? Read(string text) => JsonSerializer.Deserialize<InclusionProofBundle>(text);
}
