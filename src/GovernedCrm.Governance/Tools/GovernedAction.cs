namespace GovernedCrm.Governance.Tools;

/// <summary>What a governed tool does to its target system. Policies and the audit trail key on it.</summary>
public enum GovernedAction
{
    /// <summary>Reads records; changes nothing.</summary>
    Read,

    /// <summary>Creates a record.</summary>
    Create,

    /// <summary>Changes an existing record.</summary>
    Update,

    /// <summary>Removes a record.</summary>
    Delete,
}
