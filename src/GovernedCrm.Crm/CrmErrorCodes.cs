namespace GovernedCrm.Crm;

/// <summary>Stable codes for CRM errors; they appear in tool results, audit entries and the README.</summary>
public static class CrmErrorCodes
{
    /// <summary>The object type is not contact, company or deal.</summary>
    public const string UnknownObjectType = "crm.unknown_object_type";

    /// <summary>A property name is not defined for the object type (or is read-only).</summary>
    public const string UnknownProperty = "crm.unknown_property";

    /// <summary>A property value has the wrong type or format (amount "abc", a bad email, a bad date).</summary>
    public const string InvalidValue = "crm.invalid_value";

    /// <summary>A record id is not in the form the CRM uses.</summary>
    public const string InvalidRecordId = "crm.invalid_record_id";

    /// <summary>No record with that id exists (for this caller's tenant).</summary>
    public const string NotFound = "crm.not_found";

    /// <summary>The record changed since it was read (optimistic concurrency).</summary>
    public const string Conflict = "crm.conflict";

    /// <summary>A required property is missing.</summary>
    public const string MissingProperty = "crm.missing_property";

    /// <summary>A write would duplicate a unique value (a contact's email).</summary>
    public const string Duplicate = "crm.duplicate";

    /// <summary>The CRM could not be reached or failed.</summary>
    public const string Unavailable = "crm.unavailable";

    /// <summary>The user has no usable connection to the CRM provider (connect the account first).</summary>
    public const string NotConnected = "crm.not_connected";

    /// <summary>The CRM refused the call for rate reasons (HTTP 429); the message says when to retry.</summary>
    public const string RateLimited = "crm.rate_limited";

    /// <summary>The CRM refused the user's credentials or permissions for this call (HTTP 401 after a refresh, 403).</summary>
    public const string Forbidden = "crm.forbidden";
}
