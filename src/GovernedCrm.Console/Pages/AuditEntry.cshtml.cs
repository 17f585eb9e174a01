using System.Text;
using GovernedCrm.AdminConsole.Trail;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace GovernedCrm.AdminConsole.Pages;

/// <summary>
/// One entry of the user's tenant's chain: its decoded body, redacted for the reader, and its inclusion proof bundle
/// to download (<c>?handler=proof</c>: the file <c>governed-crm audit check-proof</c> accepts, refused when the entry
/// holds a value the reader may not read, since the bundle carries the whole signed body).
/// </summary>
/// <param name="browser">The audit reader.</param>
/// <param name="integrity">The chain checks (proofs).</param>
/// <param name="access">The policy's answers.</param>
public sealed class AuditEntryModel(IAuditBrowser browser, IChainIntegrity integrity, ConsoleAccess access) : ConsolePageModel
{
    /// <summary>False when the policy gives the user no audit trail.</summary>
    public bool Allowed { get; private set; } = true;

    /// <summary>The entry's position.</summary>
    public long Sequence { get; private set; }

    /// <summary>The entry as <c>audit export</c> writes it, redacted.</summary>
    public JsonObject? Entry { get; private set; }

    /// <summary>Why the entry (or its proof) is not shown.</summary>
    public string? Refusal { get; private set; }

    /// <summary>Shows the entry.</summary>
    /// <param name="seq">Its position.</param>
    /// <returns>The page.</returns>
    public async Task<IActionResult> OnGetAsync(long seq)
    {
        if (!Allow(seq))
        {
            return Page();
        }

        var answer = await browser.EntryAsync(Caller, seq, HttpContext.RequestAborted).ConfigureAwait(false);
        if (!answer.Succeeded)
        {
            return Refused(answer.Code, answer.Message, StatusCodes.Status404NotFound);
        }

        Entry = answer.Body!["entry"] as JsonObject;
        return Page();
    }

    /// <summary>Downloads the entry's inclusion proof bundle.</summary>
    /// <param name="seq">Its position.</param>
    /// <returns>The file, or the page saying why not.</returns>
    public async Task<IActionResult> OnGetProofAsync(long seq)
    {
        if (!Allow(seq))
        {
            return Page();
        }

        var proof = await integrity.ProofAsync(Caller, seq, HttpContext.RequestAborted).ConfigureAwait(false);
        if (!proof.Succeeded)
        {
            return Refused(proof.Code, proof.Message, proof.Code == ProofDownload.RedactedCode ? StatusCodes.Status403Forbidden : StatusCodes.Status409Conflict);
        }

        return File(Encoding.UTF8.GetBytes(proof.Content!), "application/json", proof.FileName);
    }

    private PageResult Refused(string? code, string? message, int status)
    {
        Refusal = $"{code}: {message}";
        Response.StatusCode = status;
        return Page();
    }

    private bool Allow(long seq)
    {
        Sequence = seq;
        if (access.HasAuditTrail(Caller))
        {
            return true;
        }

        Allowed = false;
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return false;
    }
}
