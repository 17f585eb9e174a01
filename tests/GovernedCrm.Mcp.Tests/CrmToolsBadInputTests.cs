using GovernedCrm.Crm;

namespace GovernedCrm.Mcp.Tests;

/// <summary>Every bad input gets a tool error that names the problem, and nothing in the CRM changes.</summary>
public sealed class CrmToolsBadInputTests
{
    private static readonly string Huge = new('x', (64 * 1024) + 1);

    public static TheoryData<string, string, object, string, string> Cases => new()
    {
        { "unknown object type (read)", "CRM.GetRecord", new { objectType = "widget", recordId = "3001" }, "validation.invalid_argument", "*'objectType'*'widget'*not one of: contact, company, deal*" },
        { "unknown object type (write)", "CRM.UpdateRecord", new { objectType = "invoice", recordId = "3001", properties = new { amount = 1 }, reason = "r" }, "validation.invalid_argument", "*not one of: contact, company, deal*" },
        { "unknown object type (search)", "CRM.SearchRecords", new { objectType = "Deal" }, "validation.invalid_argument", "*not one of*" },
        { "unknown property (write)", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { price = 5 }, reason = "r" }, CrmErrorCodes.UnknownProperty, "Unknown property 'price' for deal. Valid properties: dealname, amount, dealstage, pipeline, closedate, owner, companyId." },
        { "unknown property (read filter)", "CRM.GetRecord", new { objectType = "contact", recordId = "1001", properties = new[] { "ssn" } }, CrmErrorCodes.UnknownProperty, "*'ssn'*Valid properties: email, firstname*" },
        { "unknown property (create)", "CRM.CreateContact", new { properties = new { email = "a@example.com", twitter = "@a" }, reason = "r" }, CrmErrorCodes.UnknownProperty, "*'twitter'*Valid properties*" },
        { "read-only system property", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { version = 9 }, reason = "r" }, CrmErrorCodes.UnknownProperty, "*'version'*" },
        { "amount not a number", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = "abc" }, reason = "r" }, CrmErrorCodes.InvalidValue, "*'amount' must be a decimal number*'abc'*" },
        { "negative amount", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = -1 }, reason = "r" }, CrmErrorCodes.InvalidValue, "*'amount'*outside*" },
        { "stage not in pipeline", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { dealstage = "won" }, reason = "r" }, CrmErrorCodes.InvalidValue, "*'won'*closedwon*" },
        { "bad close date", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { closedate = "next week" }, reason = "r" }, CrmErrorCodes.InvalidValue, "*yyyy-MM-dd*" },
        { "invalid email (create)", "CRM.CreateContact", new { properties = new { email = "not-an-email" }, reason = "r" }, CrmErrorCodes.InvalidValue, "*not a valid email address*" },
        { "invalid email (update)", "CRM.UpdateRecord", new { objectType = "contact", recordId = "1001", properties = new { email = "ada@" }, reason = "r" }, CrmErrorCodes.InvalidValue, "*not a valid email address*" },
        { "create without email", "CRM.CreateContact", new { properties = new { firstname = "Nobody" }, reason = "r" }, CrmErrorCodes.MissingProperty, "*'email' is required*" },
        { "missing record (read)", "CRM.GetRecord", new { objectType = "deal", recordId = "9999" }, CrmErrorCodes.NotFound, "No deal with id 9999." },
        { "missing record (write)", "CRM.UpdateRecord", new { objectType = "deal", recordId = "9999", properties = new { amount = 1 }, reason = "r" }, CrmErrorCodes.NotFound, "No deal with id 9999." },
        { "id of another type", "CRM.GetRecord", new { objectType = "contact", recordId = "3001" }, CrmErrorCodes.NotFound, "*contact*3001*" },
        { "other tenant's record", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3501", properties = new { amount = 1 }, reason = "r" }, CrmErrorCodes.NotFound, "No deal with id 3501." },
        { "SQL in id (read)", "CRM.GetRecord", new { objectType = "deal", recordId = "3001' OR '1'='1" }, CrmErrorCodes.InvalidRecordId, "*not valid: ids are 1 to 18 digits*" },
        { "SQL in id (write)", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001; DROP TABLE deals; --", properties = new { amount = 1 }, reason = "r" }, CrmErrorCodes.InvalidRecordId, "*not valid*" },
        { "SQL in property value is data", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = "1; DROP TABLE deals" }, reason = "r" }, CrmErrorCodes.InvalidValue, "*'amount'*" },
        { "oversized property value", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { dealname = Huge }, reason = "r" }, "validation.invalid_argument", "*'properties.dealname' is too long*64 KiB*" },
        { "oversized reason", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = 1 }, reason = Huge }, "validation.invalid_argument", "*'reason' is too long*" },
        { "oversized id", "CRM.GetRecord", new { objectType = "deal", recordId = Huge }, "validation.invalid_argument", "*'recordId' is too long*" },
        { "oversized query", "CRM.SearchRecords", new { objectType = "deal", query = Huge }, "validation.invalid_argument", "*'query' is too long*" },
        { "long but legal value over the property limit", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { dealname = new string('d', 300) }, reason = "r" }, CrmErrorCodes.InvalidValue, "*too long*at most 256*" },
        { "limit zero", "CRM.SearchRecords", new { objectType = "deal", limit = 0 }, "validation.invalid_argument", "*'limit'*below the minimum 1*" },
        { "limit too high", "CRM.SearchRecords", new { objectType = "deal", limit = 101 }, "validation.invalid_argument", "*'limit'*above the maximum 100*" },
        { "confidence above one", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = 1 }, reason = "r", confidence = 1.5 }, "validation.invalid_argument", "*'confidence'*maximum 1*" },
        { "missing reason", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { amount = 1 } }, "validation.invalid_argument", "Missing required argument 'reason'." },
        { "properties not an object", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = "amount=1", reason = "r" }, "validation.invalid_argument", "*'properties' must be an object*" },
        { "empty properties", "CRM.UpdateRecord", new { objectType = "deal", recordId = "3001", properties = new { }, reason = "r" }, CrmErrorCodes.MissingProperty, "*No properties to write*" },
        { "unknown argument", "CRM.GetRecord", new { objectType = "deal", recordId = "3001", tenant = "northwind" }, "validation.invalid_argument", "Unknown argument 'tenant'. Valid arguments: objectType, recordId, properties." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CallTool_BadInput_ClearErrorAndNothingChanges(string because, string tool, object arguments, string code, string message)
    {
        await using var server = await McpTestServer.StartAsync();

        var result = await server.CallAsync(tool, arguments);

        result.ErrorCode().Should().Be(code, because);
        result.Structured().GetProperty("error").GetProperty("message").GetString().Should().Match(message, because);
        result.Text().Should().StartWith(code + ": ");
        (await server.ReadAsync(CrmObjectType.Deal, "3001")).Version.Should().Be(1, "the deal must be unchanged");
        (await server.ReadAsync(CrmObjectType.Contact, "1001")).Version.Should().Be(1, "the contact must be unchanged");
        var contacts = await server.CallAsync("CRM.SearchRecords", new { objectType = "contact", limit = 100 });
        contacts.Structured().GetProperty("count").GetInt32().Should().Be(60, "no contact may be created");
    }

    [Fact]
    public async Task CallTool_UnknownTool_ProtocolErrorAndNothingRuns()
    {
        await using var server = await McpTestServer.StartAsync();

        var act = async () => await server.CallAsync("CRM.DeleteRecord", new { objectType = "deal", recordId = "3001" });

        (await act.Should().ThrowAsync<ModelContextProtocol.McpException>()).Which.Message.Should().Contain("CRM.DeleteRecord");
        (await server.ReadAsync(CrmObjectType.Deal, "3001")).Version.Should().Be(1);
    }
}
