namespace GovernedCrm.Crm;

/// <summary>The person a CRM request runs for: connectors scope every read and write to the tenant, and later act with the user's own credentials.</summary>
/// <param name="UserId">The user's id.</param>
/// <param name="Tenant">The tenant whose records the request may touch.</param>
public sealed record CrmActor(string UserId, string Tenant);
