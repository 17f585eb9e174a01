using GovernedCrm.Audit.Entries;
using GovernedCrm.Audit.Records;
using GovernedCrm.Crm.Embedded;
using GovernedCrm.Governance.Policy;
using GovernedCrm.Hosting;
using Microsoft.Data.Sqlite;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Security.Tests.Redaction;

/// <summary>
/// A requester who may not read a field still writes it: under a policy where reps may not read a contact's phone,
/// a rep changes a contact's email and phone. The confirmation form asks them about the change (rule
/// contact-email-change) and must not show the current phone; once confirmed, the write's result (whose decision
/// is "require approval", not "allow") must not show the phone's before value either. The attacker is the rep
/// (or their model) using a write to read a value through the form or the answer.
/// </summary>
public sealed class RequesterConfirmationRedactionTests : IDisposable
{
    private const string PhoneCanary = "555-0411-2299";

    private readonly TestIssuer _issuer = new();

    [Fact]
    public async Task RepWhoMayNotReadPhone_ConfirmsAPhoneChange_SeesNeitherTheFormsNorTheResultsCurrentPhone()
    {
        var policy = PolicyLoader.Load(
            BuiltInPolicy.Text().Replace("\nfields:", "\nfields:\n  - id: reps-no-contact-phone\n    roles: [rep]\n    objects: [contact]\n    deny_read: [phone]\n", StringComparison.Ordinal),
            "reps-no-phone.yaml").Policy!;
        await using var server = await HttpTestServer.StartAsync(_issuer.Settings(), new ServerPolicy(policy, null));
        string id;
        await using (var admin = await RedactionScenario.ConnectAsync(server, _issuer, "admin"))
        {
            var created = await RedactionScenario.CallAsync(admin, "CRM.CreateContact", new
            {
                properties = new { email = "phone.holder@hidden.example", phone = PhoneCanary, firstname = "Phone" },
                reason = "seed",
            });
            id = created.StructuredContent!.Value.GetProperty("recordId").GetString()!;
        }

        var forms = new List<string>();
        CallToolResult result;
        await using (var rep = await RedactionScenario.ConnectAsync(server, _issuer, "rep", (request, _) =>
        {
            forms.Add(request!.Message + "\n" + string.Join('\n', request.RequestedSchema!.Properties.Select(p => System.Text.Json.JsonSerializer.Serialize<object>(p.Value))));
            return ValueTask.FromResult(new ElicitResult { Action = "accept" });
        }))
        {
            result = await RedactionScenario.CallAsync(rep, "CRM.UpdateRecord", new
            {
                objectType = "contact",
                recordId = id,
                properties = new { email = "phone.holder.new@hidden.example", phone = "555-0000-1111" },
                reason = "The contact moved.",
            });
        }

        // The answer: the form was shown, without the current phone; the write ran, and its result hides the phone's values.
        forms.Should().ContainSingle().Which.Should().NotContain(PhoneCanary).And.Contain(FieldRedaction.Redacted).And.Contain("phone.holder@hidden.example");
        result.IsError.Should().NotBe(true, RedactionScenario.Text(result));
        var shown = RedactionScenario.Text(result);
        shown.Should().NotContain(PhoneCanary).And.Contain("phone.holder@hidden.example", "the rep may read the email's before value");
        result.StructuredContent!.Value.GetProperty("before").GetProperty("phone").GetString().Should().Be(FieldRedaction.Redacted);

        // The CRM file: the change was made.
        (await PhoneAsync(server, id)).Should().Be("555-0000-1111");

        // The chain: the confirmation and the execution are recorded (with the full values: the audit trail is for admins).
        var entries = (await server.AuditEntriesAsync()).Select(e => e.Record).Where(r => r.Actor == "ravi").ToList();
        entries.Select(r => r.Event).Should().Contain([AuditEventType.Approved, AuditEventType.Executed]);
    }

    public void Dispose() => _issuer.Dispose();

    private static async Task<string?> PhoneAsync(HttpTestServer server, string id)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(server.Folder, EmbeddedCrmOptions.FileName)};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT phone FROM contacts WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
