namespace GovernedCrm.Crm.Schema;

/// <summary>The value type of a CRM property, which decides how input is parsed and how it is stored.</summary>
public enum CrmPropertyKind
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>An email address.</summary>
    Email,

    /// <summary>A phone number: digits, spaces and + ( ) - . only.</summary>
    Phone,

    /// <summary>One of a fixed set of values.</summary>
    Enumeration,

    /// <summary>A whole number (stored as long).</summary>
    WholeNumber,

    /// <summary>An exact decimal amount (money), stored without floating-point loss.</summary>
    Money,

    /// <summary>A calendar date, yyyy-MM-dd (stored as DateOnly).</summary>
    Date,

    /// <summary>The id of a company record.</summary>
    CompanyReference,
}
