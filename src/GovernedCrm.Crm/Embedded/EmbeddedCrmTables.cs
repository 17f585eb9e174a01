namespace GovernedCrm.Crm.Embedded;

/// <summary>
/// Maps object types to tables and property names to columns. SQL text is only ever built from these
/// fixed names, never from caller input; values always travel as parameters.
/// </summary>
internal static class EmbeddedCrmTables
{
    public static string Table(CrmObjectType type) => type switch
    {
        CrmObjectType.Contact => "contacts",
        CrmObjectType.Company => "companies",
        CrmObjectType.Deal => "deals",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string Column(CrmPropertyDefinition property) => property.Name switch
    {
        "companyId" => "company_id",
        var name => name,
    };

    public static string SelectList(CrmObjectType type) =>
        "id, version, created_at, updated_at, " + string.Join(", ", CrmSchema.For(type).Properties.Select(Column));
}
