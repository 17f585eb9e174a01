using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using GovernedCrm.Crm;
using GovernedCrm.Crm.Schema;
using GovernedCrm.Mcp.Governance;

namespace GovernedCrm.Mcp.Tools;

/// <summary>
/// The four CRM tools. They only translate between MCP and the connector: validation, policy, approval and
/// audit happen in the governance pipeline before any of these methods runs.
/// </summary>
/// <param name="crm">The CRM connector.</param>
/// <param name="governed">The governed call, set by the governance filter.</param>
[McpServerToolType]
public sealed class CrmTools(ICrmConnector crm, GovernedCallAccessor governed)
{
    /// <summary>Searches records of one type.</summary>
    /// <param name="objectType">contact, company or deal.</param>
    /// <param name="query">Text to look for.</param>
    /// <param name="limit">How many records at most.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The records found.</returns>
    [McpServerTool(Name = "CRM.SearchRecords", Title = "Search CRM records", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false)]
    [GovernedTool(Action = GovernedAction.Read, ObjectTypeArgument = "objectType")]
    [Description("Searches CRM records of one object type. Matches the query text against the record's text properties (names, email, domain, stage, ...) that you may read. Returns records in id order with their properties, version and timestamps.")]
    public async Task<CallToolResult> SearchRecords(
        [Description("The object type to search: contact, company or deal.")] CrmObjectType objectType,
        [Description("Text to look for (case-insensitive substring). Omit to list records.")] string? query = null,
        [Description("Maximum number of records to return, 1 to 100. Default 10."), Range(1, 100)] int limit = 10,
        CancellationToken cancellationToken = default)
    {
        var actor = Actor();

        // The query never matches on a property the caller may not read: a match would tell them part of its value.
        var unreadable = GovernedCrm.Governance.Policy.FieldRedaction.Of(governed.Require().Decision);
        var result = await crm.SearchAsync(actor, objectType, query, limit, unreadable, cancellationToken).ConfigureAwait(false);
        return GovernanceToolResults.Success(new JsonObject
        {
            ["objectType"] = objectType.ToName(),
            ["count"] = result.Records.Count,
            ["hasMore"] = result.HasMore,
            ["records"] = new JsonArray(result.Records.Select(r => (JsonNode)CrmValueJson.ToJson(r)).ToArray()),
        });
    }

    /// <summary>Reads one record.</summary>
    /// <param name="objectType">contact, company or deal.</param>
    /// <param name="recordId">The record's id.</param>
    /// <param name="properties">Only these properties, when given.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record.</returns>
    [McpServerTool(Name = "CRM.GetRecord", Title = "Read a CRM record", ReadOnly = true, Idempotent = true, Destructive = false, OpenWorld = false)]
    [GovernedTool(Action = GovernedAction.Read, ObjectTypeArgument = "objectType", RecordIdArgument = "recordId")]
    [Description("Reads one CRM record by id: its properties, version (for optimistic concurrency) and timestamps.")]
    public async Task<CallToolResult> GetRecord(
        [Description("The object type: contact, company or deal.")] CrmObjectType objectType,
        [Description("The record id, e.g. \"3001\".")] string recordId,
        [Description("Only return these properties (names as in the object's schema). Omit for all.")] string[]? properties = null,
        CancellationToken cancellationToken = default)
    {
        var actor = Actor();
        var schema = CrmSchema.For(objectType);
        foreach (var name in properties ?? [])
        {
            schema.Get(name);
        }

        var record = await crm.GetAsync(actor, objectType, recordId, cancellationToken).ConfigureAwait(false);
        return GovernanceToolResults.Success(CrmValueJson.ToJson(record, properties));
    }

    /// <summary>Changes properties of one record.</summary>
    /// <param name="objectType">contact, company or deal.</param>
    /// <param name="recordId">The record's id.</param>
    /// <param name="properties">New values by property name.</param>
    /// <param name="reason">Why the agent makes the change.</param>
    /// <param name="confidence">How sure the agent is, 0 to 1.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The outcome with before and after values.</returns>
    [McpServerTool(Name = "CRM.UpdateRecord", Title = "Update a CRM record", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false)]
    [GovernedTool(Action = GovernedAction.Update, ObjectTypeArgument = "objectType", RecordIdArgument = "recordId")]
    [Description("Changes properties of one CRM record. Every change is governed: it may be denied or need a human's approval. Returns the outcome, the before and after values of the changed properties, and the record's new version.")]
    public async Task<CallToolResult> UpdateRecord(
        [Description("The object type: contact, company or deal.")] CrmObjectType objectType,
        [Description("The record id, e.g. \"3001\".")] string recordId,
        [Description("New values by property name, e.g. {\"amount\": 75000, \"dealstage\": \"contractsent\"}. Null clears a property.")] IReadOnlyDictionary<string, JsonElement> properties,
        [Description("Why you are making this change; shown to approvers and kept in the audit trail.")] string reason,
        [Description("How confident you are that the change is right, from 0 to 1."), Range(0.0, 1.0)] double? confidence = null,
        CancellationToken cancellationToken = default)
    {
        var actor = Actor();
        var changes = CrmValueParser.ParseAll(objectType, properties, crm.RecordIdFormatFor(actor));
        // An approved change writes only against the version the approver saw (the approval step sets it).
        var result = await crm.UpdateAsync(actor, objectType, recordId, changes, governed.Require().ExpectedRecordVersion, cancellationToken).ConfigureAwait(false);
        return GovernanceToolResults.Success(WriteOutcome(result));
    }

    /// <summary>Creates a contact.</summary>
    /// <param name="properties">The new contact's properties; email is required.</param>
    /// <param name="reason">Why the agent creates the contact.</param>
    /// <param name="confidence">How sure the agent is, 0 to 1.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The outcome with the new record's values.</returns>
    [McpServerTool(Name = "CRM.CreateContact", Title = "Create a CRM contact", ReadOnly = false, Destructive = true, Idempotent = false, OpenWorld = false)]
    [GovernedTool(Action = GovernedAction.Create, ObjectType = "contact")]
    [Description("Creates a contact. The email property is required and must be unique. Every creation is governed: it may be denied or need a human's approval. Returns the outcome, the new record's id, values and version.")]
    public async Task<CallToolResult> CreateContact(
        [Description("The contact's properties, e.g. {\"email\": \"ada@example.com\", \"firstname\": \"Ada\"}. Valid: email, firstname, lastname, phone, company, jobtitle, lifecyclestage, owner.")] IReadOnlyDictionary<string, JsonElement> properties,
        [Description("Why you are creating this contact; shown to approvers and kept in the audit trail.")] string reason,
        [Description("How confident you are that the contact is right, from 0 to 1."), Range(0.0, 1.0)] double? confidence = null,
        CancellationToken cancellationToken = default)
    {
        var actor = Actor();
        var values = CrmValueParser.ParseAll(CrmObjectType.Contact, properties, crm.RecordIdFormatFor(actor));
        var result = await crm.CreateContactAsync(actor, values, cancellationToken).ConfigureAwait(false);
        return GovernanceToolResults.Success(WriteOutcome(result));
    }

    private CrmActor Actor()
    {
        var call = governed.Require();
        return new CrmActor(call.Caller.UserId, call.Caller.Tenant);
    }

    private JsonObject WriteOutcome(CrmWriteResult result) => CrmWriteOutcome.Executed(result, governed.Require().ExecutionId);
}
