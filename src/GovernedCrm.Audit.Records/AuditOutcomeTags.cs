namespace GovernedCrm.Audit.Records;

/// <summary>Tags an entry's outcome carries, part of the entry format: readers of the chain find them without the governance rules.</summary>
public static class AuditOutcomeTags
{
    /// <summary>
    /// Ends the outcome of every entry that belongs to an approval (its decision, and the entries of its approved
    /// run), followed by the approval's id: <c>approved;single;approval:apr_…</c>.
    /// </summary>
    public const string Approval = ";approval:";
}
