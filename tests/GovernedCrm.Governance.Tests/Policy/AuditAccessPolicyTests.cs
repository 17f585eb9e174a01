using GovernedCrm.Governance.Policy;
using static GovernedCrm.Governance.Tests.Policy.PolicyTestCalls;

namespace GovernedCrm.Governance.Tests.Policy;

/// <summary>Who gets the audit tools (admins; roles a rule names them for) and which chains they see (audit.cross_tenant_roles).</summary>
public sealed class AuditAccessPolicyTests
{
    private const string Base = """
        version: 1
        tenants: [default, northwind]
        roles: [rep, admin, auditor, compliance]
        users:
          ravi: { roles: [rep], tenant: default }
          aida: { roles: [auditor], tenant: default }
          cora: { roles: [compliance], tenant: northwind }
        rules:
          - id: everything-for-reps
            effect: allow
            roles: [rep]
            tools: ["*"]
          - id: audit-readers
            effect: allow
            roles: [auditor, compliance]
            tools: ["Audit.*"]
        """;

    private static CompiledPolicy Load(string text)
    {
        var result = PolicyLoader.Load(text, "test.yaml");
        result.Errors.Should().BeEmpty();
        return result.Policy!;
    }

    [Fact]
    public void NamesAuditTool_ByPrefixForTheRole_NotByTheBareStar()
    {
        var policy = Load(Base);

        policy.NamesAuditTool(Local("aida"), "Audit.RecordHistory").Should().BeTrue();
        policy.NamesAuditTool(Local("ravi"), "Audit.RecordHistory").Should().BeFalse("a rule for every tool ('*') gives no audit tool");
    }

    [Fact]
    public void AdminToolsPolicy_AuditorByRule_IsAllowedAndSeesTheTool_RepWithStar_IsNot()
    {
        var guarded = new AdminToolsPolicy(Load(Base), new HashSet<string>());

        guarded.Evaluate(Call(VerifyChain, Local("aida"))).Should().BeOfType<PolicyDecision.Allow>().Which.Rule.Should().Be("audit-readers");
        guarded.IsVisible(VerifyChain, Local("aida")).Should().BeTrue();
        var denied = guarded.Evaluate(Call(VerifyChain, Local("ravi"))).Should().BeOfType<PolicyDecision.Deny>().Subject;
        denied.Code.Should().Be(AdminToolsPolicy.AdminOnlyCode);
        guarded.IsVisible(VerifyChain, Local("ravi")).Should().BeFalse();
        guarded.Evaluate(Call(VerifyChain, Token("root", "default", "admin"))).Should().BeOfType<PolicyDecision.Allow>().Which.Rule.Should().Be(AdminToolsPolicy.RuleId);
    }

    [Fact]
    public void CrossTenantRoles_GiveEveryChain_OnlyToThoseRoles()
    {
        var policy = Load(Base + "\naudit:\n  cross_tenant_roles: [compliance]\n");
        var guarded = new AdminToolsPolicy(policy, new HashSet<string>());

        AuditScope.SeesEveryChain(guarded, Local("cora")).Should().BeTrue();
        AuditScope.SeesEveryChain(guarded, Local("aida")).Should().BeFalse();
        AuditScope.Resolve(guarded, Local("aida"), null).Should().Be("default");
        AuditScope.Resolve(guarded, Local("aida"), "northwind").Should().BeNull();
        AuditScope.Resolve(guarded, Local("aida"), "no-such-tenant").Should().BeNull();
        AuditScope.Resolve(guarded, Local("cora"), "default").Should().Be("default");
        AuditScope.SeesEveryChain(Load(Base), Local("cora")).Should().BeFalse("without the section no role crosses tenants");
        policy.Summarize().Should().Contain("audit chains: own tenant only; every tenant for roles compliance");
    }

    [Fact]
    public void CrossTenantRoles_UndeclaredRole_IsAnError()
    {
        var result = PolicyLoader.Load(Base + "\naudit:\n  cross_tenant_roles: [auditors]\n", "test.yaml");

        result.Succeeded.Should().BeFalse();
        result.Errors.Should().ContainSingle().Which.Message.Should().StartWith("unknown role 'auditors' in audit.cross_tenant_roles");
    }
}
