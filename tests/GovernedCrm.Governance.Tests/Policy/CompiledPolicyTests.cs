using GovernedCrm.Governance.Policy;
using GovernedCrm.Governance.Tools;
using static GovernedCrm.Governance.Tests.Policy.PolicyTestCalls;

namespace GovernedCrm.Governance.Tests.Policy;

public sealed class CompiledPolicyTests
{
    private static readonly CompiledPolicy Default = BuiltInPolicy.Load();

    private const string Custom = """
        version: 1
        tenants: [default]
        roles: [rep, manager]
        users:
          ravi: { roles: [rep], tenant: default }
          maria: { roles: [manager], tenant: default }
        rules:
          - id: searches
            effect: allow
            tools: [CRM.SearchRecords]
          - id: no-bulk
            effect: deny
            roles: [rep]
            tools: [CRM.SearchRecords]
            when: "args.limit > 50"
            code: policy.denied.bulk_search
            message: "Reps may search at most 50 records at a time."
          - id: no-company-search
            effect: deny
            tools: [CRM.SearchRecords]
            objects: [company]
          - id: small-updates
            effect: allow
            tools: [CRM.UpdateRecord]
            when: "after.amount < 1000"
        """;

    [Fact]
    public void Evaluate_RoleWithoutAllowRule_DeniesRole()
    {
        var decision = Default.Evaluate(Call(UpdateRecord, Local("vera"), """{"objectType": "deal", "recordId": "1", "properties": {"amount": 1}}"""));

        Denial(decision).Should().Be((PolicyDenialCodes.Role, PolicyRuleIds.DefaultDeny));
    }

    [Fact]
    public void Evaluate_ToolNoAllowRuleNames_DeniesTool()
    {
        var tool = new GovernedToolDescriptor("CRM.DeleteRecord", GovernedAction.Delete, null, "objectType", "recordId", "crm");

        var decision = Default.Evaluate(Call(tool, Local("adam"), """{"objectType": "deal", "recordId": "1"}"""));

        Denial(decision).Should().Be((PolicyDenialCodes.Tool, PolicyRuleIds.DefaultDeny));
        ((PolicyDecision.Deny)decision).Message.Should().Be("You may not call CRM.DeleteRecord.");
    }

    [Fact]
    public void Evaluate_ObjectTypeNoAllowRuleNames_DeniesObject()
    {
        var decision = Default.Evaluate(Call(GetRecord, Local("ravi"), """{"objectType": "invoice", "recordId": "1"}"""));

        Denial(decision).Should().Be((PolicyDenialCodes.ObjectType, PolicyRuleIds.DefaultDeny));
    }

    [Fact]
    public void Evaluate_FieldsDenyRead_RedactsForThatRoleAndObjectOnly()
    {
        var contact = Default.Evaluate(Call(GetRecord, Local("vera"), """{"objectType": "contact", "recordId": "1"}"""));
        var shouting = Default.Evaluate(Call(GetRecord, Local("vera"), """{"objectType": "CONTACT", "recordId": "1"}"""));
        var deal = Default.Evaluate(Call(GetRecord, Local("vera"), """{"objectType": "deal", "recordId": "1"}"""));
        var rep = Default.Evaluate(Call(GetRecord, Local("ravi"), """{"objectType": "contact", "recordId": "1"}"""));

        contact.Should().BeOfType<PolicyDecision.Allow>().Which.RedactedFields.Should().BeEquivalentTo("email", "phone");
        contact.Rule.Should().Be("read-crm");
        shouting.Should().BeOfType<PolicyDecision.Allow>().Which.RedactedFields.Should().BeEquivalentTo("email", "phone");
        deal.Should().BeOfType<PolicyDecision.Allow>().Which.RedactedFields.Should().BeEmpty();
        rep.Should().BeOfType<PolicyDecision.Allow>().Which.RedactedFields.Should().BeEmpty();
    }

    [Fact]
    public void Evaluate_FieldsDenyWrite_DeniesNamingTheProperty()
    {
        var rep = Default.Evaluate(Call(UpdateRecord, Local("ravi"), """{"objectType": "deal", "recordId": "1", "properties": {"dealname": "x", "owner": "nora"}}"""));
        var manager = Default.Evaluate(Call(UpdateRecord, Local("maria"), """{"objectType": "deal", "recordId": "1", "properties": {"owner": "nora"}}"""));

        Denial(rep).Should().Be((PolicyDenialCodes.FieldWrite, "reps-no-deal-owner"));
        ((PolicyDecision.Deny)rep).Message.Should().Contain("'owner'");
        manager.Should().BeOfType<PolicyDecision.Allow>();
    }

    [Fact]
    public void Evaluate_FieldsDenyWrite_DoesNotApplyToReads()
    {
        var decision = Default.Evaluate(Call(GetRecord, Local("ravi"), """{"objectType": "deal", "recordId": "1", "properties": {"owner": "x"}}"""));

        decision.Should().BeOfType<PolicyDecision.Allow>();
    }

    [Fact]
    public void Evaluate_DenyRuleConditionOnArgument_DeniesWithCustomCodeAndMessage()
    {
        var policy = Compile(Custom);

        var bulk = policy.Evaluate(Call(SearchRecords, Local("ravi"), """{"objectType": "deal", "limit": 100}"""));
        var small = policy.Evaluate(Call(SearchRecords, Local("ravi"), """{"objectType": "deal", "limit": 10}"""));
        var manager = policy.Evaluate(Call(SearchRecords, Local("maria"), """{"objectType": "deal", "limit": 100}"""));

        Denial(bulk).Should().Be(("policy.denied.bulk_search", "no-bulk"));
        ((PolicyDecision.Deny)bulk).Message.Should().Be("Reps may search at most 50 records at a time.");
        small.Should().BeOfType<PolicyDecision.Allow>().Which.Rule.Should().Be("searches");
        manager.Should().BeOfType<PolicyDecision.Allow>();
    }

    [Fact]
    public void Evaluate_DenyRuleWithoutCode_UsesGenericCodeAndMessage()
    {
        var decision = Compile(Custom).Evaluate(Call(SearchRecords, Local("maria"), """{"objectType": "company"}"""));

        Denial(decision).Should().Be((PolicyDenialCodes.Rule, "no-company-search"));
        ((PolicyDecision.Deny)decision).Message.Should().Be("The policy does not allow this call (rule 'no-company-search').");
    }

    [Fact]
    public void Evaluate_NoAllowConditionHolds_DeniesDefault()
    {
        var policy = Compile(Custom);

        var big = policy.Evaluate(Call(UpdateRecord, Local("ravi"), """{"objectType": "deal", "recordId": "1", "properties": {"amount": 5000}}"""));
        var small = policy.Evaluate(Call(UpdateRecord, Local("ravi"), """{"objectType": "deal", "recordId": "1", "properties": {"amount": 500}}"""));

        Denial(big).Should().Be((PolicyDenialCodes.Default, PolicyRuleIds.DefaultDeny));
        small.Should().BeOfType<PolicyDecision.Allow>().Which.Rule.Should().Be("small-updates");
    }

    [Fact]
    public void Evaluate_ConditionOnCurrentRecordValue_RequiresManagerApproval()
    {
        var decision = Default.Evaluate(Call(UpdateRecord, Local("ravi"), """{"objectType": "deal", "recordId": "1", "properties": {"dealname": "Renamed"}}""",
            Record("default", """{"amount": 75000, "dealstage": "contractsent"}""")));
        var small = Default.Evaluate(Call(UpdateRecord, Local("ravi"), """{"objectType": "deal", "recordId": "1", "properties": {"dealname": "Renamed"}}""",
            Record("default", """{"amount": "20000", "dealstage": "contractsent"}""")));

        var approval = decision.Should().BeOfType<PolicyDecision.RequireApproval>().Subject;
        approval.Route.Should().Be(ApprovalRoute.Role);
        approval.ApproverRole.Should().Be("manager");
        approval.Rule.Should().Be("big-deals");
        approval.Reason.Should().Be("Changes to deals over 50,000 need a manager's approval.");
        small.Should().BeOfType<PolicyDecision.Allow>().Which.Rule.Should().Be("write-crm");
    }

    [Fact]
    public void Evaluate_ProposedValueCondition_RequiresApprovalByRole()
    {
        var decision = Default.Evaluate(Call(UpdateRecord, Local("ravi"), """{"objectType": "deal", "recordId": "1", "properties": {"dealstage": "closedwon"}}""",
            Record("default", """{"amount": 100, "dealstage": "contractsent"}""")));

        decision.Should().BeOfType<PolicyDecision.RequireApproval>().Which.Should().Match<PolicyDecision.RequireApproval>(
            a => a.Route == ApprovalRoute.Role && a.ApproverRole == "manager" && a.Rule == "closing-deals");
    }

    [Fact]
    public void Evaluate_Changed_RequiresRequesterConfirmationOnlyWhenTheValueChanges()
    {
        var current = Record("default", """{"email": "ada@example.com"}""");

        var changed = Default.Evaluate(Call(UpdateRecord, Local("ravi"), """{"objectType": "contact", "recordId": "7", "properties": {"email": "ada@example.org"}}""", current));
        var same = Default.Evaluate(Call(UpdateRecord, Local("ravi"), """{"objectType": "contact", "recordId": "7", "properties": {"email": "ada@example.com"}}""", current));

        var approval = changed.Should().BeOfType<PolicyDecision.RequireApproval>().Subject;
        approval.Route.Should().Be(ApprovalRoute.Requester);
        approval.ApproverRole.Should().BeNull();
        approval.Rule.Should().Be("contact-email-change");
        same.Should().BeOfType<PolicyDecision.Allow>();
    }

    [Fact]
    public void Evaluate_RequireApproval_CarriesRedactedFields()
    {
        var policy = Compile("""
            version: 1
            tenants: [default]
            roles: [rep]
            local_default: { roles: [rep], tenant: default }
            rules:
              - { id: w, effect: allow, tools: [CRM.UpdateRecord] }
              - { id: a, effect: require_approval, tools: [CRM.UpdateRecord], approval: { route: requester } }
            fields:
              - { id: f, deny_read: [ssn] }
            """);

        var decision = policy.Evaluate(Call(UpdateRecord, Local("x"), """{"objectType": "contact", "recordId": "1", "properties": {}}"""));

        var approval = decision.Should().BeOfType<PolicyDecision.RequireApproval>().Subject;
        approval.RedactedFields.Should().BeEquivalentTo("ssn");
        approval.Reason.Should().Be("This call needs approval (rule 'a').");
    }

    [Theory]
    [InlineData("admin", ApprovalRoute.Role)]
    [InlineData(null, ApprovalRoute.Requester)]
    public void Evaluate_ToolAttributeRequiresApproval_WinsOverRules(string? approverRole, ApprovalRoute route)
    {
        var tool = UpdateRecord with { RequiredApproval = new RequiresApprovalAttribute { ApproverRole = approverRole, Reason = "Always." } };

        var decision = Default.Evaluate(Call(tool, Local("ravi"), """{"objectType": "deal", "recordId": "1", "properties": {"amount": 90000}}"""));

        var approval = decision.Should().BeOfType<PolicyDecision.RequireApproval>().Subject;
        (approval.Route, approval.ApproverRole, approval.Reason, approval.Rule).Should().Be((route, approverRole, "Always.", PolicyRuleIds.ToolRequiresApproval));
    }

    [Fact]
    public void Evaluate_ToolAttributeRequiresApproval_DoesNotOverrideDenials()
    {
        var tool = UpdateRecord with { RequiredApproval = new RequiresApprovalAttribute() };

        var decision = Default.Evaluate(Call(tool, Local("vera"), """{"objectType": "deal", "recordId": "1", "properties": {"amount": 1}}"""));

        Denial(decision).Should().Be((PolicyDenialCodes.Role, PolicyRuleIds.DefaultDeny));
    }

    [Fact]
    public void Evaluate_UnlistedLocalUserWithoutLocalDefault_DeniesUnknownUser()
    {
        var decision = Compile(Custom).Evaluate(Call(SearchRecords, Local("mallory"), """{"objectType": "deal"}"""));

        Denial(decision).Should().Be((PolicyDenialCodes.UnknownUser, PolicyRuleIds.Directory));
    }

    [Fact]
    public void Evaluate_UnlistedLocalUser_GetsLocalDefault()
    {
        var decision = Default.Evaluate(Call(UpdateRecord, Local("someone"), """{"objectType": "deal", "recordId": "1", "properties": {"owner": "x"}}"""));

        Denial(decision).Should().Be((PolicyDenialCodes.FieldWrite, "reps-no-deal-owner"));
    }

    [Fact]
    public void Evaluate_LocalCaller_IgnoresRolesOnTheIdentity()
    {
        var caller = Local("vera") with { Roles = ["admin"], Tenant = "northwind" };

        var decision = Default.Evaluate(Call(UpdateRecord, caller, """{"objectType": "deal", "recordId": "1", "properties": {}}"""));

        Denial(decision).Should().Be((PolicyDenialCodes.Role, PolicyRuleIds.DefaultDeny));
    }

    [Fact]
    public void Evaluate_TokenWithOnlyUndeclaredRoles_DeniesUnknownUser()
    {
        var decision = Default.Evaluate(Call(GetRecord, Token("t1", "default", "superuser"), """{"objectType": "deal", "recordId": "1"}"""));

        Denial(decision).Should().Be((PolicyDenialCodes.UnknownUser, PolicyRuleIds.Directory));
    }

    [Fact]
    public void Evaluate_TokenRoles_AreFilteredToDeclaredRoles()
    {
        var decision = Default.Evaluate(Call(GetRecord, Token("t1", "northwind", "superuser", "viewer"), """{"objectType": "contact", "recordId": "1"}"""));

        decision.Should().BeOfType<PolicyDecision.Allow>().Which.RedactedFields.Should().BeEquivalentTo("email", "phone");
    }

    [Fact]
    public void Evaluate_TokenWithUndeclaredTenant_DeniesUnknownTenant()
    {
        var decision = Default.Evaluate(Call(GetRecord, Token("t1", "acme", "admin"), """{"objectType": "deal", "recordId": "1"}"""));

        Denial(decision).Should().Be((PolicyDenialCodes.UnknownTenant, PolicyRuleIds.Directory));
    }

    [Fact]
    public void Evaluate_Anonymous_DeniesUnauthenticated()
    {
        var decision = Default.Evaluate(Call(GetRecord, Anonymous(), """{"objectType": "deal", "recordId": "1"}"""));

        Denial(decision).Should().Be((PolicyDenialCodes.Unauthenticated, PolicyRuleIds.Authentication));
    }

    [Fact]
    public void Evaluate_RecordInAnotherTenant_DeniesWithoutRevealingIt()
    {
        var decision = Default.Evaluate(Call(GetRecord, Local("nora"), """{"objectType": "deal", "recordId": "1"}""",
            Record("default", """{"dealname": "Secret Merger", "amount": 900000}""")));

        var deny = decision.Should().BeOfType<PolicyDecision.Deny>().Subject;
        (deny.Code, deny.Rule).Should().Be((PolicyDenialCodes.Tenant, PolicyRuleIds.TenantIsolation));
        deny.Message.Should().Be("The record is not available in your tenant.");
    }

    [Fact]
    public void Evaluate_RecordInOwnTenant_IsAllowed()
    {
        var decision = Default.Evaluate(Call(GetRecord, Local("nora"), """{"objectType": "deal", "recordId": "1"}""", Record("northwind", "{}")));

        decision.Should().BeOfType<PolicyDecision.Allow>();
    }

    [Fact]
    public void Evaluate_EveryDecision_CarriesThePolicyVersion()
    {
        var calls = new[]
        {
            Call(GetRecord, Anonymous()),
            Call(GetRecord, Local("nora"), """{"objectType": "deal", "recordId": "1"}""", Record("default", "{}")),
            Call(UpdateRecord, Local("vera"), """{"objectType": "deal", "recordId": "1"}"""),
            Call(UpdateRecord, Local("ravi"), """{"objectType": "deal", "recordId": "1", "properties": {"owner": "x"}}"""),
            Call(UpdateRecord, Local("ravi"), """{"objectType": "deal", "recordId": "1", "properties": {"amount": 60000}}"""),
            Call(GetRecord, Local("ravi"), """{"objectType": "deal", "recordId": "1"}"""),
        };

        calls.Select(c => Default.Evaluate(c).PolicyVersion).Should().AllBe(Default.Version);
        Default.Version.Should().MatchRegex("^sha256:[0-9a-f]{16}$");
    }

    [Fact]
    public void Evaluate_GlobRules_MatchByPrefix()
    {
        Default.Evaluate(Call(VerifyChain, Local("adam"))).Should().BeOfType<PolicyDecision.Allow>().Which.Rule.Should().Be("audit-admin");
        Denial(Default.Evaluate(Call(VerifyChain, Local("maria")))).Should().Be((PolicyDenialCodes.Role, PolicyRuleIds.DefaultDeny));
    }

    [Fact]
    public void IsVisible_ShowsToolsAnAllowRuleNamesForTheCallersRoles()
    {
        Default.IsVisible(VerifyChain, Local("adam")).Should().BeTrue();
        Default.IsVisible(VerifyChain, Local("ravi")).Should().BeFalse();
        Default.IsVisible(UpdateRecord, Local("vera")).Should().BeFalse();
        Default.IsVisible(GetRecord, Local("vera")).Should().BeTrue();
        Default.IsVisible(GetRecord, Anonymous()).Should().BeFalse();
        Default.IsVisible(GetRecord, Token("t", "acme", "admin")).Should().BeFalse();
        Compile(Custom).IsVisible(UpdateRecord, Local("ravi")).Should().BeTrue("conditions are ignored for visibility");
    }

    [Fact]
    public void ResolveCaller_StampsEffectiveTenantAndRoles()
    {
        var nora = Default.ResolveCaller(Local("nora"))!;
        (nora.UserId, nora.Tenant, nora.Source).Should().Be(("nora", "northwind", CallerSources.Local));
        nora.Roles.Should().Equal("rep");
        var unlisted = Default.ResolveCaller(Local("someone") with { Roles = ["admin"] })!;
        (unlisted.Tenant, unlisted.Roles, unlisted.Source).Should().BeEquivalentTo(("default", new[] { "rep" }, "local"));
        Default.ResolveCaller(Token("t", "northwind", "ghost", "manager"))!.Roles.Should().Equal("manager");
        Default.ResolveCaller(Token("t", "acme", "manager")).Should().BeNull();
        Default.ResolveCaller(Anonymous()).Should().BeNull();
        Compile(Custom).ResolveCaller(Local("mallory")).Should().BeNull();
    }

    [Fact]
    public void ResolveCaller_IsIdempotent()
    {
        var once = Default.ResolveCaller(Token("t", "northwind", "ghost", "manager"))!;

        var twice = Default.ResolveCaller(once)!;

        (twice.UserId, twice.Tenant, twice.Source).Should().Be((once.UserId, once.Tenant, once.Source));
        twice.Roles.Should().Equal(once.Roles);
    }

    [Fact]
    public void Explain_SaysWhoWhichRulesMatchedAndWhy()
    {
        var call = Call(UpdateRecord, Local("ravi"), """{"objectType": "deal", "recordId": "1", "properties": {"amount": 70000}}""",
            Record("default", """{"amount": 100}"""));

        var explanation = Default.Explain(call);

        explanation.Decision.Should().Be(Default.Evaluate(call));
        explanation.Lines[0].Should().Be("caller: local user 'ravi' is listed in users: roles rep; tenant default");
        explanation.Lines.Should().Contain("tenant: the targeted record is in the caller's tenant");
        explanation.Lines.Should().Contain("rule 'read-crm' (allow): does not match: its tools (CRM.GetRecord, CRM.SearchRecords) do not include CRM.UpdateRecord");
        explanation.Lines.Should().Contain("rule 'write-crm' (allow): matches (tool, roles and object type; no condition)");
        explanation.Lines.Should().Contain("rule 'audit-admin' (allow): does not match: its tools (Audit.*) do not include CRM.UpdateRecord");
        explanation.Lines.Should().Contain("rule 'big-deals' (require_approval): matches: condition \"current.amount > 50000 or proposed.amount > 50000\" is true");
        explanation.Lines.Should().Contain("rule 'closing-deals' (require_approval): does not match: condition \"proposed.dealstage == 'closedwon'\" is false");
        explanation.Lines.Should().Contain("rule 'contact-email-change' (require_approval): does not match: its objects (contact) do not include 'deal'");
        explanation.Lines.Should().Contain("fields 'reps-no-deal-owner': applies; deny_read: (none); deny_write: owner");
        explanation.Lines.Should().Contain("fields 'viewers-no-contact-details': does not apply to the caller's roles and this object type");
        explanation.Lines[^1].Should().Be("decision: require approval by an approver with role manager (rule big-deals): Changes to deals over 50,000 need a manager's approval.");
    }

    [Fact]
    public void Explain_TenantDenial_StopsBeforeRules()
    {
        var explanation = Default.Explain(Call(GetRecord, Local("nora"), """{"objectType": "deal", "recordId": "1"}""", Record("default", """{"amount": 1}""")));

        explanation.Lines.Should().Equal(
            "caller: local user 'nora' is listed in users: roles rep; tenant northwind",
            "tenant: the targeted record is not in the caller's tenant",
            "decision: deny policy.denied.tenant (rule builtin.tenant-isolation): The record is not available in your tenant.");
    }

    [Fact]
    public void Explain_TokenRolesRoleMismatchAndRedaction_AreDescribed()
    {
        var read = Default.Explain(Call(GetRecord, Token("t1", "default", "ghost", "viewer"), """{"objectType": "contact", "recordId": "1"}"""));
        var write = Default.Explain(Call(UpdateRecord, Token("t1", "default", "viewer"), """{"objectType": "contact", "recordId": "1"}"""));

        read.Lines[0].Should().Be("caller: token user 't1' in tenant default; token roles ghost, viewer; declared roles used: viewer");
        read.Lines.Should().Contain("fields 'viewers-no-contact-details': applies; deny_read: email, phone; deny_write: (none)");
        read.Lines[^1].Should().Be("decision: allow (rule read-crm); redacted from results: email, phone");
        write.Lines.Should().Contain("rule 'write-crm' (allow): does not match: its roles (rep, manager, admin) do not include the caller's (viewer)");
        write.Lines[^1].Should().Be("decision: deny policy.denied.role (rule builtin.default-deny): Your role may not call CRM.UpdateRecord.");
    }

    private static (string Code, string Rule) Denial(PolicyDecision decision)
    {
        var deny = decision.Should().BeOfType<PolicyDecision.Deny>().Subject;
        return (deny.Code, deny.Rule);
    }
}
