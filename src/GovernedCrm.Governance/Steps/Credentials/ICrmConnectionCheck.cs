using GovernedCrm.Governance.Credentials;

namespace GovernedCrm.Governance.Steps.Credentials;

/// <summary>Says whether a caller can reach their tenant's CRM: the embedded CRM always, a remote CRM only when connected.</summary>
public interface ICrmConnectionCheck
{
    /// <summary>
    /// Returns <see langword="null"/> when calls to the caller's CRM can run for them, else what they must connect.
    /// Never falls back to another credential.
    /// </summary>
    /// <param name="caller">The resolved caller.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The requirement, or <see langword="null"/>.</returns>
    ValueTask<ConnectionRequirement?> CheckAsync(CallerIdentity caller, CancellationToken cancellationToken);
}
