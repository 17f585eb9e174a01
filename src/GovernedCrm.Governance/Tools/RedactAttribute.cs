namespace GovernedCrm.Governance.Tools;

/// <summary>Another name for <see cref="SensitiveAttribute"/>: the value is redacted from logs and the audit trail.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false, Inherited = true)]
public sealed class RedactAttribute : SensitiveAttribute;
