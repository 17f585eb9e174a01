using System.Text.Json;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Policy;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Security.Tests.Redaction;

/// <summary>
/// The redaction matrix (issue 14, item 1): every tool and view that returns record values × every field the default
/// policy denies some role × every role of the default policy. The attacker is a user (or their model) with a role
/// that may not read a field: a canary placed in that field must never appear in what they get, and a query that
/// occurs only in that field must match nothing. Each row also checks the other side: a role that may read the
/// field and use the view does see the canary, so a row fails if the view stops returning values altogether.
/// </summary>
public sealed class RedactionMatrixTests(RedactionScenario scenario) : IClassFixture<RedactionScenario>
{
    /// <summary>The views that return record values.</summary>
    public static readonly string[] Views =
    [
        "CRM.GetRecord",
        "CRM.SearchRecords results",
        "CRM.SearchRecords matching",
        "CRM.UpdateRecord result",
        "CRM.CreateContact result",
        "confirmation form",
        "CRM.GetProposal",
        "Approvals.ListPending",
        "approvals list --json",
        "approvals show",
        "approvals show --json",
    ];

    private static readonly CompiledPolicy Policy = BuiltInPolicy.Load();

    private static readonly string[] ObjectTypes = ["contact", "company", "deal"];

    /// <summary>Every (object type, field) some role of the default policy may not read.</summary>
    public static IEnumerable<(string ObjectType, string Field)> DeniedFields() =>
        ObjectTypes.SelectMany(type => Policy.Roles.SelectMany(role => Hidden(role, type)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(field => (type, field)));

    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var view in Views)
        {
            foreach (var (_, field) in DeniedFields())
            {
                foreach (var role in Policy.Roles)
                {
                    data.Add(view, field, role);
                }
            }
        }

        return data;
    }

    [Fact]
    public void DefaultPolicy_DeniedFields_AreTheOnesTheMatrixHasCanariesFor()
    {
        // A new deny_read in the default policy needs a canary here (and a record to hold it), or the matrix would skip it.
        DeniedFields().Should().Equal(("contact", "email"), ("contact", "phone"));
        Policy.Roles.Should().Equal("viewer", "rep", "manager", "admin", "auditor");
        Hidden("viewer", "contact").Should().BeEquivalentTo(["email", "phone"]);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task CanaryInADeniedField_NeverReachesARoleThatMayNotReadIt(string view, string field, string role)
    {
        var mayRead = !Hidden(role, "contact").Contains(field);
        var expectVisible = mayRead && CanUse(view, role);

        var (shown, canaries) = await ShowAsync(view, field, role);

        foreach (var canary in canaries)
        {
            if (expectVisible)
            {
                shown.Should().Contain(canary, $"{role} may read {field} and use {view}");
            }
            else
            {
                shown.Should().NotContain(canary, $"{role} may not read {field} (or use {view})");
            }
        }
    }

    // The views each role may use under the default policy (rules read-crm, write-crm, proposals, approvals-queue;
    // an auditor has only the audit tools); the approvals CLI shows the tenant's proposals to any user the policy knows.
    private static bool CanUse(string view, string role) => view switch
    {
        "approvals list --json" or "approvals show" or "approvals show --json" => true,
        _ when role == "auditor" => false,
        "Approvals.ListPending" => role is "manager" or "admin",
        "CRM.UpdateRecord result" or "CRM.CreateContact result" or "confirmation form" => role is not "viewer",
        _ => true,
    };

    private static IReadOnlySet<string> Hidden(string role, string objectType) =>
        FieldRedaction.UnreadableFields(Policy, new CallerIdentity(RedactionScenario.UserOf.GetValueOrDefault(role, role), "default", [role], CallerSources.Token), objectType);

    private async Task<(string Shown, string[] Canaries)> ShowAsync(string view, string field, string role)
    {
        var current = field == "email" ? RedactionScenario.EmailCanary : RedactionScenario.PhoneCanary;
        var proposed = field == "email" ? RedactionScenario.ProposedEmailCanary : RedactionScenario.ProposedPhoneCanary;
        var user = RedactionScenario.UserOf[role];
        switch (view)
        {
            case "CRM.GetRecord":
                return (await CallAsync(role, "CRM.GetRecord", new { objectType = "contact", recordId = scenario.ContactId }), [current]);
            case "CRM.SearchRecords results":
                return (await CallAsync(role, "CRM.SearchRecords", new { objectType = "contact", query = RedactionScenario.FirstName }), [current]);
            case "CRM.SearchRecords matching":
                var fragment = field == "email" ? RedactionScenario.EmailFragment : RedactionScenario.PhoneFragment;
                await using (var client = await scenario.ConnectAsync(role))
                {
                    var found = await RedactionScenario.CallAsync(client, "CRM.SearchRecords", new { objectType = "contact", query = fragment });
                    if (!CanUse(view, role))
                    {
                        // A role without CRM reads (an auditor) is denied the search itself: nothing to match on.
                        found.IsError.Should().BeTrue(RedactionScenario.Text(found));
                        return (RedactionScenario.Text(found), [current]);
                    }

                    found.IsError.Should().NotBe(true, RedactionScenario.Text(found));
                    var ids = found.StructuredContent!.Value.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
                    if (Hidden(role, "contact").Contains(field))
                    {
                        ids.Should().BeEmpty($"a query that occurs only in {field} must not match for {role}");
                    }
                    else
                    {
                        ids.Should().Equal(scenario.ContactId);
                    }

                    return (RedactionScenario.Text(found), [current]);
                }

            case "CRM.GetProposal":
                return (await CallAsync(role, "CRM.GetProposal", new { approvalId = scenario.ApprovalId }), [current, proposed]);
            case "Approvals.ListPending":
                return (await CallAsync(role, "Approvals.ListPending", new { }), [current, proposed]);
            case "CRM.UpdateRecord result":
            case "confirmation form":
                return await UpdateAsync(view, field, role);
            case "CRM.CreateContact result":
                var row = scenario.NextRow();
                var email = $"zq7create{row}.{role}@hidden.example";
                var phone = $"555-{row:0000}-6{role.Length}21";
                var created = await CallAsync(role, "CRM.CreateContact", new { properties = new { email, phone, firstname = "Matrix" }, reason = "redaction matrix" });
                return (created, [field == "email" ? email : phone]);
            case "approvals list --json":
                return (await CliAsync(user, "list", "--json"), [current, proposed]);
            case "approvals show":
                return (await CliAsync(user, "show", scenario.ApprovalId), [current, proposed]);
            case "approvals show --json":
                return (await CliAsync(user, "show", scenario.ApprovalId, "--json"), [current, proposed]);
            default:
                throw new ArgumentOutOfRangeException(nameof(view), view, "no such view");
        }
    }

    // A fresh contact with canaries (made by the admin); the role changes its email and phone. The email change asks the
    // requester to confirm (rule contact-email-change): the form shows the current values; accepted, the write runs and
    // its result carries the before values.
    private async Task<(string Shown, string[] Canaries)> UpdateAsync(string view, string field, string role)
    {
        var row = scenario.NextRow();
        var email = $"zq7update{row}.{role}@hidden.example";
        var phone = $"555-{row:0000}-4{role.Length}87";
        string id;
        await using (var admin = await scenario.ConnectAsync("admin"))
        {
            var created = await RedactionScenario.CallAsync(admin, "CRM.CreateContact", new { properties = new { email, phone, firstname = "Matrix" }, reason = "redaction matrix" });
            id = created.StructuredContent!.Value.GetProperty("recordId").GetString()!;
        }

        var forms = new List<string>();
        CallToolResult result;
        await using (var client = await scenario.ConnectAsync(role, (request, _) =>
        {
            lock (forms)
            {
                forms.Add(FormText(request));
            }

            return ValueTask.FromResult(new ElicitResult { Action = "accept" });
        }))
        {
            result = await RedactionScenario.CallAsync(client, "CRM.UpdateRecord", new
            {
                objectType = "contact",
                recordId = id,
                properties = new { email = $"zq7new{row}@hidden.example", phone = $"555-{row:0000}-0000" },
                reason = "redaction matrix",
            });
        }

        var canary = field == "email" ? email : phone;
        if (view == "confirmation form")
        {
            if (CanUse(view, role))
            {
                forms.Should().ContainSingle($"{role} confirms the email change");
            }

            return (string.Join('\n', forms), [canary]);
        }

        return (RedactionScenario.Text(result), [canary]);
    }

    private static string FormText(ElicitRequestParams? request)
    {
        if (request is null)
        {
            return "";
        }

        var parts = new List<string> { request.Message };
        foreach (var (name, schema) in request.RequestedSchema?.Properties ?? new Dictionary<string, ElicitRequestParams.PrimitiveSchemaDefinition>())
        {
            parts.Add(name);
            parts.Add(JsonSerializer.Serialize<object>(schema));
            parts.Add(RedactionScenario.Visible(JsonSerializer.Serialize<object>(schema)));
        }

        return string.Join('\n', parts);
    }

    private async Task<string> CallAsync(string role, string tool, object arguments)
    {
        await using var client = await scenario.ConnectAsync(role);
        return RedactionScenario.Text(await RedactionScenario.CallAsync(client, tool, arguments));
    }

    private async Task<string> CliAsync(string user, params string[] arguments)
    {
        var (code, stdout, stderr) = await scenario.CliAsync(user, arguments);
        code.Should().Be(0, stderr);
        return RedactionScenario.Visible(stdout) + "\n" + stderr;
    }
}
