namespace GovernedCrm.Governance.Tools;

/// <summary>
/// Marks a tool parameter, or a property of a tool's result type, as sensitive: its value never reaches a log or
/// the audit trail (it is replaced by "[redacted]" before anything is written).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false, Inherited = true)]
public class SensitiveAttribute : Attribute;
