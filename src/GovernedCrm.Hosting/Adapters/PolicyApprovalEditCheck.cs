using GovernedCrm.Crm.Schema;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Tools;
using GovernedCrm.Governance.Steps.RecordContext;

namespace GovernedCrm.Hosting.Adapters;

/// <summary>
/// Re-checks an approver's edit as if the requester had proposed the edited call: the tool's governed call with the
/// edited arguments, the requester as the policy resolves them, the targeted record as it is now, then the policy.
/// Values the CRM would refuse (unknown property, wrong type) are refused too, so an approval never stores an
/// edit that cannot run.
/// </summary>
/// <param name="policy">The policy in force.</param>
/// <param name="directory">Resolves the requester's roles and tenant.</param>
/// <param name="tools">The server's governed tools.</param>
/// <param name="records">Reads the targeted record (null: no CRM to read, conditions on current values see nothing).</param>
/// <param name="time">The clock.</param>
public sealed class PolicyApprovalEditCheck(
    IGovernancePolicy policy, ICallerDirectory directory, GovernedToolCatalog tools, IRecordContextReader? records, TimeProvider time) : IApprovalEditCheck
{
    /// <summary>The rule id of denials made by this check itself (not by a policy rule).</summary>
    public const string Rule = "builtin.approval-edit";

    /// <summary>The CRM whose record id form (for <c>companyId</c> values) applies to the requester's tenant; digits when unset.</summary>
    public GovernedCrm.Crm.ICrmConnector? Crm { get; init; }

    /// <inheritdoc />
    public async ValueTask<PolicyDecision> CheckAsync(ApprovalRequest request, string editedArgumentsJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!tools.TryGetGoverned(request.Tool, out var tool))
        {
            return Deny("governance.unregistered_tool", $"The tool '{request.Tool}' is not one of this server's governed tools.");
        }

        Dictionary<string, JsonElement>? arguments;
        try
        {
            arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(editedArgumentsJson);
        }
        catch (JsonException)
        {
            arguments = null;
        }

        if (arguments is null)
        {
            return Deny(ApprovalCodes.InvalidEdit, "The edited arguments are not a JSON object.");
        }

        // The requester as they were identified when they proposed: a token caller keeps the token's roles.
        var requester = directory.Resolve(request.RequesterAsProposed());
        if (requester is null)
        {
            return Deny(PolicyDenialCodes.UnknownUser, $"The requester '{request.Requester}' is not a user of the policy any more.");
        }

        if (!string.Equals(requester.Tenant, request.Tenant, StringComparison.Ordinal))
        {
            return Deny(PolicyDenialCodes.Tenant, "The requester is no longer in the proposal's tenant.");
        }

        var call = new GovernedCall
        {
            Tool = tool,
            Arguments = arguments,
            Caller = requester,
            ExecutionId = request.ExecutionId,
            ReceivedAt = time.GetUtcNow(),
        };
        if (records is not null)
        {
            call.Current = await records.ReadAsync(call, cancellationToken).ConfigureAwait(false);
        }

        var decision = policy.Evaluate(call);
        return decision is PolicyDecision.Deny ? decision : ValueProblem(call) ?? decision;
    }

    private PolicyDecision.Deny? ValueProblem(GovernedCall call)
    {
        if (!call.Tool.IsWrite
            || !CrmObjectTypeNames.TryParse(call.ObjectType, out var objectType)
            || !call.Arguments.TryGetValue(call.Tool.PropertiesArgument, out var properties)
            || properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            var idFormat = Crm?.RecordIdFormatFor(new GovernedCrm.Crm.CrmActor(call.Caller.UserId, call.Caller.Tenant)) ?? CrmRecordIdFormat.Numeric;
            CrmValueParser.ParseAll(objectType, properties.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal), idFormat);
            return null;
        }
        catch (CrmException ex)
        {
            return Deny(ex.Code, ex.Message);
        }
    }

    private PolicyDecision.Deny Deny(string code, string message) => new(code, message) { PolicyVersion = policy.Version, Rule = Rule };
}
