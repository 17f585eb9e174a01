using GovernedCrm.Crm.Schema;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Steps.RecordContext;

namespace GovernedCrm.Hosting.Adapters;

/// <summary>
/// Reads the record a governed CRM call targets, for the policy: which tenant owns it, and, when it is the
/// caller's tenant, its current values. Another tenant's record yields its tenant only, never its values.
/// </summary>
/// <param name="crm">The CRM connector.</param>
public sealed class CrmRecordContextReader(ICrmConnector crm) : IRecordContextReader
{
    /// <inheritdoc />
    public async ValueTask<CurrentRecord?> ReadAsync(GovernedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.RecordId is not { } recordId || call.ObjectType is not { } typeName || !CrmObjectTypeNames.TryParse(typeName, out var objectType))
        {
            return null;
        }

        try
        {
            var actor = new CrmActor(call.Caller.UserId, call.Caller.Tenant);
            var tenant = await crm.FindTenantAsync(actor, objectType, recordId, cancellationToken).ConfigureAwait(false);
            if (tenant is null)
            {
                return null;
            }

            if (!string.Equals(tenant, call.Caller.Tenant, StringComparison.Ordinal))
            {
                return new CurrentRecord(tenant, new Dictionary<string, JsonElement>(StringComparer.Ordinal));
            }

            var record = await crm.GetAsync(actor, objectType, recordId, cancellationToken).ConfigureAwait(false);
            var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var (name, value) in record.Properties)
            {
                values[name] = JsonSerializer.SerializeToElement(CrmValueJson.ToNode(value));
            }

            return new CurrentRecord(tenant, values) { Version = record.Version };
        }
        catch (CrmException ex) when (ex.Code == CrmErrorCodes.NotFound)
        {
            return null;
        }
        catch (CrmException ex)
        {
            throw new GovernedCallException(ex.Code, ex.Message);
        }
        catch (GovernedCrm.Crm.Remote.CrmNotConnectedException ex)
        {
            // The grant was found revoked while reading: the caller must connect again (the filter answers with the connect URL).
            throw new GovernedCallException(GovernedCrm.Crm.Remote.CrmNotConnectedException.Code, ex.Message);
        }
    }
}
