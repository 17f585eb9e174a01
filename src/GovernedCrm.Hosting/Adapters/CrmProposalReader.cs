using System.Text.Json.Nodes;
using GovernedCrm.Crm.Schema;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Steps.WriteAheadAudit;

namespace GovernedCrm.Hosting.Adapters;

/// <summary>
/// Reads the current values of the properties a CRM write names, so the write-ahead audit entry holds before
/// and proposed values. Works for any governed tool with a <c>properties</c> object argument.
/// </summary>
/// <param name="crm">The CRM connector.</param>
public sealed class CrmProposalReader(ICrmConnector crm) : IProposalReader
{
    /// <inheritdoc />
    public async ValueTask<Proposal?> ReadAsync(GovernedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!call.Arguments.TryGetValue("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var proposed = (JsonObject)JsonNode.Parse(properties.GetRawText())!;
        var names = proposed.Select(p => p.Key).ToList();
        if (call.RecordId is not { } recordId || call.ObjectType is not { } objectType)
        {
            return new Proposal(names, null, proposed);
        }

        // The record-context step read this record before the policy decided: use it rather than read it again.
        if (call.Current is { Version: { } version } current && current.Tenant == call.Caller.Tenant)
        {
            var known = new JsonObject { ["version"] = version };
            foreach (var name in names)
            {
                known[name] = current.Values.TryGetValue(name, out var value) ? JsonNode.Parse(value.GetRawText()) : null;
            }

            return new Proposal(names, known, proposed);
        }

        CrmRecord record;
        try
        {
            record = await crm.GetAsync(new CrmActor(call.Caller.UserId, call.Caller.Tenant), CrmObjectTypeNames.Parse(objectType), recordId, cancellationToken).ConfigureAwait(false);
        }
        catch (CrmException ex)
        {
            throw new GovernedCallException(ex.Code, ex.Message);
        }

        var before = new JsonObject { ["version"] = record.Version };
        foreach (var name in names)
        {
            before[name] = record.Properties.TryGetValue(name, out var value) ? CrmValueJson.ToNode(value) : null;
        }

        return new Proposal(names, before, proposed);
    }
}
