using GovernedCrm.Governance.Credentials;

namespace GovernedCrm.Governance.Steps.Credentials;

/// <summary>
/// The connection check of a server whose tenants all use the embedded CRM: nobody needs a CRM account of their
/// own, so every caller passes. Registered explicitly, so that the credentials step is always in the pipeline and a
/// server with remote CRMs replaces it with the vault's check.
/// </summary>
public sealed class NoConnectionNeeded : ICrmConnectionCheck
{
    /// <summary>The one instance.</summary>
    public static readonly NoConnectionNeeded Instance = new();

    private NoConnectionNeeded()
    {
    }

    /// <inheritdoc />
    public ValueTask<ConnectionRequirement?> CheckAsync(CallerIdentity caller, CancellationToken cancellationToken) => ValueTask.FromResult<ConnectionRequirement?>(null);
}
