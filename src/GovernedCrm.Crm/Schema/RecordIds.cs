namespace GovernedCrm.Crm.Schema;

/// <summary>The record id form of the embedded CRM (and HubSpot): 1 to 18 decimal digits, no leading zero.</summary>
public static class RecordIds
{
    /// <summary>True when <paramref name="id"/> is 1 to 18 ASCII digits without a leading zero.</summary>
    /// <param name="id">The id.</param>
    /// <returns>Whether the id is well formed.</returns>
    public static bool IsWellFormed(string? id) =>
        id is { Length: > 0 and <= 18 } && id[0] != '0' && id.All(char.IsAsciiDigit);

    /// <summary>Parses a well-formed id or throws <c>crm.invalid_record_id</c>.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The numeric id.</returns>
    public static long Parse(string? id) =>
        IsWellFormed(id)
            ? long.Parse(id!, System.Globalization.CultureInfo.InvariantCulture)
            : throw new CrmException(CrmErrorCodes.InvalidRecordId,
                $"Record id '{CrmText.Shorten(id ?? "")}' is not valid: ids are 1 to 18 digits, for example '1042'.");
}
