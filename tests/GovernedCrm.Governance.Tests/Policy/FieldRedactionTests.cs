using System.Text.Json.Nodes;
using GovernedCrm.Governance.Identity;
using GovernedCrm.Governance.Policy;

namespace GovernedCrm.Governance.Tests.Policy;

public sealed class FieldRedactionTests
{
    [Fact]
    public void Redact_ReplacesTheNamedValuesAtAnyDepth_AndLeavesTheRest()
    {
        var result = JsonNode.Parse("""
            {"objectType":"contact","properties":{"email":"a@x.example","phone":"1","firstname":"Ada"},
             "records":[{"id":"1","properties":{"email":"b@x.example"}}],"before":{"email":"c@x"},"after":{"email":"d@x"}}
            """);

        var redacted = FieldRedaction.Redact(result, new HashSet<string>(StringComparer.Ordinal) { "email", "phone" })!.ToJsonString();

        redacted.Should().NotContain("@x").And.NotContain("\"1\",\"firstname\"");
        redacted.Should().Contain("\"firstname\":\"Ada\"").And.Contain("\"objectType\":\"contact\"").And.Contain("\"id\":\"1\"");
        JsonNode.Parse(redacted)!["properties"]!["phone"]!.GetValue<string>().Should().Be(FieldRedaction.Redacted);
    }

    [Fact]
    public void Redact_NoFields_ReturnsAnEqualCopy()
    {
        var node = JsonNode.Parse("""{"a":{"b":[1,2]}}""");

        var copy = FieldRedaction.Redact(node, new HashSet<string>());

        copy!.ToJsonString().Should().Be(node!.ToJsonString());
        copy.Should().NotBeSameAs(node);
    }

    [Theory]
    [InlineData("vera", "contact", "email,phone")]
    [InlineData("vera", "Contact", "email,phone")]
    [InlineData("vera", "deal", "")]
    [InlineData("vera", null, "")]
    [InlineData("ravi", "contact", "")]
    [InlineData("adam", "contact", "")]
    public void UnreadableFields_DefaultPolicy_AreTheFieldsRulesDenyReadForTheCallersRolesAndObjectType(string user, string? objectType, string expected)
    {
        var fields = FieldRedaction.UnreadableFields(BuiltInPolicy.Load(), Local(user), objectType);

        string.Join(',', fields.Order(StringComparer.Ordinal)).Should().Be(expected);
    }

    [Fact]
    public void UnreadableFields_TokenCaller_UsesTheTokensDeclaredRoles_AndActivePolicyAgrees()
    {
        var viewer = new CallerIdentity("someone", "default", ["viewer"], CallerSources.Token);
        var active = new ActivePolicy(BuiltInPolicy.Load(), TimeProvider.System);

        FieldRedaction.UnreadableFields(active, viewer, "contact").Should().BeEquivalentTo(["email", "phone"]);
        FieldRedaction.UnreadableFields(new AdminToolsPolicy(active, new HashSet<string>()), viewer, "contact").Should().BeEquivalentTo(["email", "phone"]);
        FieldRedaction.UnreadableFields(active, viewer with { Roles = ["viewer", "rep"] }, "contact").Should().BeEquivalentTo(["email", "phone"], "a fields rule applies when the caller holds any of its roles, as in the decision's RedactedFields");
    }

    [Fact]
    public void UnreadableFields_CallerThePolicyDoesNotKnow_EveryFieldAnyRuleHides()
    {
        var policy = BuiltInPolicy.Load();

        FieldRedaction.UnreadableFields(policy, new CallerIdentity("x", "nowhere", ["viewer"], CallerSources.Token), "deal").Should().BeEquivalentTo(["email", "phone"]);
        FieldRedaction.UnreadableFields(policy, new CallerIdentity("x", "default", [], "anonymous"), null).Should().BeEquivalentTo(["email", "phone"]);
    }

    [Fact]
    public void UnreadableFields_PolicyWithoutFieldRules_None()
    {
        FieldRedaction.UnreadableFields(new AllowAllPolicy(), Local("vera"), "contact").Should().BeEmpty();
    }

    [Fact]
    public void Of_TheDecisionsRedactedFields_ForAllowAndRequireApproval_NoneForDeny()
    {
        var fields = new HashSet<string>(StringComparer.Ordinal) { "email" };

        FieldRedaction.Of(new PolicyDecision.Allow { PolicyVersion = "v", Rule = "r", RedactedFields = fields }).Should().BeSameAs(fields);
        FieldRedaction.Of(new PolicyDecision.RequireApproval(ApprovalRoute.Requester, null, "why") { PolicyVersion = "v", Rule = "r", RedactedFields = fields }).Should().BeSameAs(fields);
        FieldRedaction.Of(new PolicyDecision.Deny("c", "m") { PolicyVersion = "v", Rule = "r" }).Should().BeEmpty();
        FieldRedaction.Of(null).Should().BeEmpty();
    }

    [Fact]
    public void ScrubText_ReplacesEveryOccurrenceCaseInsensitively_ButNotVeryShortValues()
    {
        FieldRedaction.ScrubText("Another contact already has the email 'Ada@X.example'; ada@x.example again. id 7", ["ada@x.example", "7"])
            .Should().Be($"Another contact already has the email '{FieldRedaction.Redacted}'; {FieldRedaction.Redacted} again. id 7");
    }

    private static CallerIdentity Local(string user) => new(user, "default", [], CallerSources.Local);
}
