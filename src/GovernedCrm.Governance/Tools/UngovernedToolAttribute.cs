namespace GovernedCrm.Governance.Tools;

/// <summary>
/// Marks a tool as deliberately outside the governance pipeline (for example a health probe).
/// The reason is required, logged at startup and visible in code review; a tool that touches
/// customer data must never carry this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class UngovernedToolAttribute(string reason) : Attribute
{
    /// <summary>Why this tool does not need governance.</summary>
    public string Reason { get; } = reason;
}
