namespace GovernedCrm.Governance.Approvals;

/// <summary>How a bulk decision treats a refusal of one of its proposals.</summary>
public enum BulkMode
{
    /// <summary>Any refusal refuses the whole batch: nothing is decided (the default).</summary>
    AllOrNothing,

    /// <summary>Each proposal is decided on its own; the answer says what happened to each.</summary>
    EachOnItsOwn,
}
