namespace GovernedCrm.Crm.Schema;

/// <summary>
/// The form of record ids at one CRM: the embedded CRM and HubSpot use 1 to 18 digits (<see cref="Numeric"/>),
/// Salesforce uses 15 or 18 letters and digits (<see cref="Salesforce"/>). Each connector checks ids in its own
/// form, so a Salesforce id never reaches the embedded CRM's SQL and a digits-only rule never blocks Salesforce.
/// </summary>
public sealed class CrmRecordIdFormat
{
    private readonly Func<string, bool> _isWellFormed;

    private CrmRecordIdFormat(string description, Func<string, bool> isWellFormed)
    {
        Description = description;
        _isWellFormed = isWellFormed;
    }

    /// <summary>1 to 18 ASCII digits without a leading zero: the embedded CRM and HubSpot (see <see cref="RecordIds"/>).</summary>
    public static CrmRecordIdFormat Numeric { get; } = new("1 to 18 digits, for example '1042'", id => RecordIds.IsWellFormed(id));

    /// <summary>Exactly 15 or 18 ASCII letters and digits: Salesforce record ids (case-sensitive 15, case-safe 18).</summary>
    public static CrmRecordIdFormat Salesforce { get; } = new(
        "15 or 18 letters and digits, for example '0015g00000AbCdEAAV'",
        id => id.Length is 15 or 18 && id.All(char.IsAsciiLetterOrDigit));

    /// <summary>What a valid id looks like, for error messages.</summary>
    public string Description { get; }

    /// <summary>True when <paramref name="id"/> is in this form.</summary>
    /// <param name="id">The id.</param>
    /// <returns>Whether the id is well formed.</returns>
    public bool IsWellFormed(string? id) => id is not null && _isWellFormed(id);

    /// <summary>Returns the id when well formed, else throws <c>crm.invalid_record_id</c>.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The id.</returns>
    /// <exception cref="CrmException">The id is not in this form.</exception>
    public string Validate(string? id) =>
        IsWellFormed(id)
            ? id!
            : throw new CrmException(CrmErrorCodes.InvalidRecordId,
                $"Record id '{CrmText.Shorten(id ?? "")}' is not valid: ids are {Description}.");
}
