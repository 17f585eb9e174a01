using System.Text.Json;
using System.Text.Json.Nodes;
using GovernedCrm.Crm;
using GovernedCrm.Crm.Schema;
using GovernedCrm.Governance.Audit;
using GovernedCrm.Governance.Pipeline;

namespace GovernedCrm.Mcp.Tools;

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
