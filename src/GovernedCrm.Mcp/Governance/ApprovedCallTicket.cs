using System.Security.Cryptography;
using System.Text;

namespace GovernedCrm.Mcp.Governance;

/// <summary>
/// Marks a tools/call request as the execution of an approved proposal, sent by this server process to itself
/// (<see cref="LoopbackSession"/>): the request's <c>_meta</c> carries the approval id and an HMAC of it under a
/// key that lives only in this process's memory. A client cannot forge it, so no client can make a call pass as
/// approved; and the ticket only names the proposal: the approval step checks it against the audit chain.
/// </summary>
public sealed class ApprovedCallTicket
{
    /// <summary>The <c>_meta</c> key of the ticket.</summary>
    public const string MetaKey = "governedcrm/approval";

    /// <summary>The code of a call whose ticket this process did not issue (a client trying to pass a call as approved).</summary>
    public const string ForgedCode = "approval.forged_ticket";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>A ticket for <paramref name="approvalId"/>, as request metadata.</summary>
    /// <param name="approvalId">The claimed proposal's id.</param>
    /// <returns>The <c>_meta</c> object to send.</returns>
    public JsonObject Issue(string approvalId)
    {
        ArgumentNullException.ThrowIfNull(approvalId);
        return new JsonObject { [MetaKey] = new JsonObject { ["id"] = approvalId, ["mac"] = Mac(approvalId) } };
    }

    /// <summary>Reads a ticket this process issued from a request's metadata.</summary>
    /// <param name="meta">The request's <c>_meta</c>.</param>
    /// <param name="approvalId">The approval id when the ticket is genuine.</param>
    /// <returns>True for a ticket this process issued; false for none or a forged one.</returns>
    public bool TryRead(JsonObject? meta, out string approvalId)
    {
        approvalId = "";
        if (meta?[MetaKey] is not JsonObject ticket
            || ticket["id"] is not JsonValue id || !id.TryGetValue(out string? value)
            || ticket["mac"] is not JsonValue mac || !mac.TryGetValue(out string? presented))
        {
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(value)), Encoding.ASCII.GetBytes(presented)))
        {
            return false;
        }

        approvalId = value;
        return true;
    }

    private string Mac(string approvalId) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(approvalId)));
}
