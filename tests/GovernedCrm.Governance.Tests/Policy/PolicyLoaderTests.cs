using System.Security.Cryptography;
using System.Text;
using GovernedCrm.Governance.Policy;

namespace GovernedCrm.Governance.Tests.Policy;

public sealed class PolicyLoaderTests
{
    private const string Header = """
        version: 1
        tenants: [default, northwind]
        roles: [viewer, rep, manager, admin]

        """;

    [Fact]
    public void Load_MinimalPolicy_Compiles()
    {
        var result = PolicyLoader.Load(Header + "rules: []\n", "policy.yaml");

        result.Errors.Should().BeEmpty();
        result.Succeeded.Should().BeTrue();
        result.Policy!.SourceName.Should().Be("policy.yaml");
    }

    [Fact]
    public void Load_UnknownRole_PointsAtTheRoleAndListsDeclaredRoles()
    {
        var errors = Errors(Header + """
            rules:
              - id: big-deals
                effect: allow
                roles: [rep, mangaer]
                tools: [CRM.UpdateRecord]
            """);

        errors.Should().ContainSingle().Which.ToString().Should().Be(
            "policy.yaml:7:18: unknown role 'mangaer' in rule 'big-deals'; declared roles: viewer, rep, manager, admin");
    }

    [Fact]
    public void Load_UnknownTopLevelKey_ListsValidKeys()
    {
        var errors = Errors(Header + "rulez: []\n");

        var error = errors.Should().ContainSingle().Subject;
        (error.Line, error.Column).Should().Be((4, 1));
        error.Message.Should().Be("unknown key 'rulez' in the policy file; valid keys: version, tenants, roles, local_default, users, cli_users, rules, fields, limits, audit");
    }

    [Fact]
    public void Load_UnknownRuleKey_ListsValidKeys()
    {
        var errors = Errors(Header + """
            rules:
              - id: read
                effect: allow
                tool: [CRM.GetRecord]
            """);

        errors.Should().HaveCount(2);
        errors[0].Should().Be(new PolicyError("policy.yaml", 5, 5, "rule 'read' needs tools: the tool names it applies to, e.g. tools: [CRM.GetRecord], [\"CRM.*\"] or [\"*\"]"));
        errors[1].Line.Should().Be(7);
        errors[1].Column.Should().Be(5);
        errors[1].Message.Should().StartWith("unknown key 'tool' in a rule; valid keys: id, effect, roles, tools, objects, when, approval, code, message");
    }

    [Fact]
    public void Load_DuplicateRuleIds_ReportsTheSecondWithTheFirstLine()
    {
        var errors = Errors(Header + """
            rules:
              - id: read
                effect: allow
                tools: [CRM.GetRecord]
              - id: read
                effect: allow
                tools: [CRM.SearchRecords]
            """);

        errors.Should().ContainSingle().Which.Should().Be(new PolicyError(
            "policy.yaml", 8, 9, "duplicate rule id 'read' (first at line 5); ids must be unique across rules and fields"));
    }

    [Fact]
    public void Load_BadEffect_ListsValidEffects()
    {
        var errors = Errors(Header + """
            rules:
              - id: read
                effect: permit
                tools: [CRM.GetRecord]
            """);

        errors.Should().ContainSingle().Which.Should().Be(new PolicyError(
            "policy.yaml", 6, 13, "bad effect 'permit' in rule 'read'; valid effects: allow, deny, require_approval"));
    }

    [Fact]
    public void Load_RequireApprovalWithoutApproval_SaysWhatToAdd()
    {
        var errors = Errors(Header + """
            rules:
              - id: big-deals
                effect: require_approval
                tools: [CRM.UpdateRecord]
            """);

        var error = errors.Should().ContainSingle().Subject;
        (error.Line, error.Column).Should().Be((5, 5));
        error.Message.Should().StartWith("rule 'big-deals' has effect require_approval but no approval; add approval:");
    }

    [Fact]
    public void Load_ApprovalRouteRoleWithoutRole_AndRequesterWithRole_AreErrors()
    {
        var errors = Errors(Header + """
            rules:
              - id: a
                effect: require_approval
                tools: [CRM.UpdateRecord]
                approval: { route: role }
              - id: b
                effect: require_approval
                tools: [CRM.UpdateRecord]
                approval: { route: requester, role: manager }
              - id: c
                effect: require_approval
                tools: [CRM.UpdateRecord]
                approval: { route: boss }
              - id: d
                effect: allow
                tools: [CRM.UpdateRecord]
                approval: { route: requester }
            """);

        errors.Select(e => (e.Line, e.Column)).Should().Equal((8, 15), (12, 41), (16, 24), (20, 15));
        errors[0].Message.Should().Be("the approval of rule 'a' routes to a role but names none; add role: one of viewer, rep, manager, admin");
        errors[1].Message.Should().StartWith("the approval of rule 'b' is confirmed by the requester, so it has no role");
        errors[2].Message.Should().Be("bad route 'boss' in the approval of rule 'c'; valid routes: requester, role");
        errors[3].Message.Should().Be("approval is only for effect require_approval; remove it from rule 'd' or change its effect");
    }

    [Fact]
    public void Load_BadConditionSyntax_PointsInsideTheExpression()
    {
        var errors = Errors(Header + """
            rules:
              - id: big-deals
                effect: allow
                tools: [CRM.UpdateRecord]
                when: "after.amount >> 50000"
            """);

        // The expression starts at column 12 (after the quote); the second '>' is its 15th character.
        errors.Should().ContainSingle().Which.ToString().Should().StartWith(
            "policy.yaml:8:26: bad condition in rule 'big-deals' at position 15: expected current.<prop>");
    }

    [Fact]
    public void Load_BadConditionInPlainScalar_PointsInsideTheExpression()
    {
        var errors = Errors(Header + """
            rules:
              - id: r
                effect: allow
                tools: [CRM.UpdateRecord]
                when: after.amount = 5
            """);

        errors.Should().ContainSingle().Which.ToString().Should().Be(
            "policy.yaml:8:24: bad condition in rule 'r' at position 14: '=' is not an operator: use '==' to compare");
    }

    [Fact]
    public void Load_UnknownTenant_ForUserAndLocalDefault()
    {
        var errors = Errors(Header + """
            local_default: { roles: [rep], tenant: acme }
            users:
              nora: { roles: [rep], tenant: northwnd }
            """);

        errors.Should().HaveCount(2);
        errors[0].Should().Be(new PolicyError("policy.yaml", 4, 40, "unknown tenant 'acme' in local_default; declared tenants: default, northwind"));
        errors[1].Should().Be(new PolicyError("policy.yaml", 6, 33, "unknown tenant 'northwnd' for user 'nora'; declared tenants: default, northwind"));
    }

    [Fact]
    public void Load_UserWithoutRoles_IsAnError()
    {
        var errors = Errors(Header + """
            users:
              nora: { roles: [], tenant: default }
            """);

        errors.Should().ContainSingle().Which.Message.Should().Be("the roles of user 'nora' must not be empty; give at least one role");
    }

    [Theory]
    [InlineData("60", "bad window '60' in limits.writes_per_user; write a whole number above 0 followed by s, m or h, e.g. 60s, 5m or 1h")]
    [InlineData("1d", "bad window '1d' in limits.writes_per_user; write a whole number above 0 followed by s, m or h, e.g. 60s, 5m or 1h")]
    [InlineData("0s", "bad window '0s' in limits.writes_per_user; write a whole number above 0 followed by s, m or h, e.g. 60s, 5m or 1h")]
    [InlineData("25h", "the window '25h' in limits.writes_per_user is too long; use at most 24h")]
    public void Load_BadWindow_IsAnError(string window, string message)
    {
        var errors = Errors(Header + $"limits:\n  writes_per_user: {{ max: 60, window: {window} }}\n");

        errors.Should().ContainSingle().Which.Should().Be(new PolicyError("policy.yaml", 5, 39, message));
    }

    [Fact]
    public void Load_NegativeLimits_AreErrors()
    {
        var errors = Errors(Header + """
            limits:
              writes_per_user: { max: -1, window: 60s }
              records_per_call: -5
              distinct_records_per_session: lots
            """);

        errors.Should().Equal(
            new PolicyError("policy.yaml", 5, 27, "limits.writes_per_user.max must not be negative, found -1; use 0 or more"),
            new PolicyError("policy.yaml", 6, 21, "limits.records_per_call must not be negative, found -5; use 0 or more"),
            new PolicyError("policy.yaml", 7, 33, "limits.distinct_records_per_session must be a whole number, e.g. 100, found 'lots'"));
    }

    [Fact]
    public void Load_YamlSyntaxError_UsesYamlDotNetsPosition()
    {
        var errors = Errors("version: 1\ntenants: [default]\nroles: \"viewer\n");

        var error = errors.Should().ContainSingle().Subject;
        (error.Line, error.Column).Should().Be((3, 8));
        error.Message.Should().StartWith("YAML syntax error: ");
    }

    [Fact]
    public void Load_UnclosedFlowSequence_IsASyntaxErrorWithAPosition()
    {
        var errors = Errors("version: 1\ntenants: [default\nroles: [rep]\n");

        var error = errors.Should().ContainSingle().Subject;
        error.Line.Should().BeGreaterThan(0);
        error.Message.Should().StartWith("YAML syntax error");
    }

    [Fact]
    public void Load_DuplicateYamlKey_IsAnError()
    {
        var errors = Errors(Header + "roles: [rep]\n");

        errors.Should().ContainSingle().Which.Should().Be(new PolicyError("policy.yaml", 4, 1, "duplicate key 'roles' (first at line 3); keep one"));
    }

    [Fact]
    public void Load_MissingVersionTenantsRoles_AreAllReported()
    {
        var errors = Errors("rules: []\n");

        errors.Select(e => e.Message).Should().Equal(
            "missing 'version'; add version: 1 as the first line",
            "missing 'tenants'; declare every tenant the policy uses, e.g. tenants: [default]",
            "missing 'roles'; declare every role the policy uses, e.g. roles: [viewer, rep, manager, admin]");
    }

    [Fact]
    public void Load_WrongVersion_IsAnError()
    {
        var errors = Errors("version: 2\ntenants: [default]\nroles: [rep]\n");

        errors.Should().ContainSingle().Which.Should().Be(new PolicyError("policy.yaml", 1, 10, "version must be 1 (the only policy format), found '2'"));
    }

    [Fact]
    public void Load_EmptyFile_IsAnError()
    {
        Errors("# nothing here\n").Should().ContainSingle().Which.Message.Should().StartWith("the policy file is empty");
    }

    [Fact]
    public void Load_BadCodes_AreErrors()
    {
        var errors = Errors(Header + """
            rules:
              - id: a
                effect: deny
                tools: ["*"]
                code: denied.custom
              - id: b
                effect: allow
                tools: ["*"]
                code: policy.denied.custom
                message: nope
            """);

        errors.Select(e => e.Message).Should().Equal(
            "bad code 'denied.custom' in rule 'a'; codes start with 'policy.denied.' followed by lowercase letters, digits, '_' or '.', e.g. policy.denied.big_discount",
            "code is only for deny rules; remove it from rule 'b'",
            "message is only for deny rules; remove it from rule 'b'");
    }

    [Fact]
    public void Load_BadIdsAndToolPatterns_AreErrors()
    {
        var errors = Errors(Header + """
            rules:
              - id: Big Deals
                effect: allow
                tools: ["CRM.*.Get"]
              - id: builtin.mine
                effect: allow
                tools: ["*"]
            """);

        errors.Select(e => e.Message).Should().Equal(
            "bad id 'Big Deals' in rules; ids use lowercase letters, digits, '.', '_' and '-', e.g. big-deals",
            "bad tool pattern 'CRM.*.Get' in rule 'Big Deals'; use an exact tool name (CRM.GetRecord), a prefix ending in * (CRM.*) or *",
            "the id 'builtin.mine' in rules uses the reserved prefix 'builtin.'; choose another id");
    }

    [Fact]
    public void Load_RuleWithoutId_StillReportsItsOtherProblems()
    {
        var errors = Errors(Header + """
            rules:
              - effect: alow
                tools: [CRM.GetRecord]
            """);

        errors.Select(e => e.Message).Should().Equal(
            "the rule needs an id, e.g. id: big-deals",
            "bad effect 'alow' in the rule at line 5; valid effects: allow, deny, require_approval");
    }

    [Fact]
    public void Load_FieldsRuleProblems_AreErrors()
    {
        var errors = Errors(Header + """
            fields:
              - id: f
                roles: [auditor]
                deny_read: [email, "e-mail"]
                deny_writes: [owner]
            """);

        errors.Select(e => e.Message).Should().Equal(
            "unknown role 'auditor' in fields rule 'f'; declared roles: viewer, rep, manager, admin",
            "bad property name 'e-mail' in deny_read of fields rule 'f'; property names are letters, digits and '_', starting with a letter or '_'",
            "unknown key 'deny_writes' in a fields rule; valid keys: id, roles, objects, deny_read, deny_write");
    }

    [Fact]
    public void Load_ManyProblems_ReportsThemAllInFileOrder()
    {
        var errors = Errors("""
            version: 1
            tenants: [default]
            roles: [rep]
            users:
              ravi: { roles: [manager], tenant: default }
            rules:
              - id: a
                effect: allow
                roles: [admin]
                tools: [CRM.GetRecord]
                when: "current.amount >"
            limits:
              records_per_call: -1
            """);

        errors.Should().HaveCount(4);
        errors.Select(e => e.Line).Should().BeInAscendingOrder();
    }

    [Fact]
    public void Load_Version_IsSha256PrefixOfTheExactBytes()
    {
        var text = Header + "rules: []\n";
        var bytes = Encoding.UTF8.GetBytes(text);

        var policy = PolicyLoader.Load(text, "policy.yaml").Policy!;

        policy.Version.Should().Be("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]);
        policy.Version.Should().MatchRegex("^sha256:[0-9a-f]{16}$");
    }

    [Fact]
    public void Load_BytesForVersion_AreHashedInsteadOfTheText()
    {
        var text = Header + "rules: []\n";
        var bytes = Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal));

        var policy = PolicyLoader.Load(text, "policy.yaml", bytes).Policy!;

        policy.Version.Should().Be("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]);
    }

    [Fact]
    public void LoadFile_MissingFile_IsAnErrorWithoutPlace()
    {
        var path = Path.Combine(Path.GetTempPath(), "governedcrm-no-such-policy-" + Guid.NewGuid().ToString("N") + ".yaml");

        var result = PolicyLoader.LoadFile(path);

        result.Policy.Should().BeNull();
        var error = result.Errors.Should().ContainSingle().Subject;
        error.Line.Should().Be(0);
        error.ToString().Should().StartWith(path + ": cannot read the policy file");
    }

    [Fact]
    public void LoadFile_ShippedSample_LoadsWithTheSameVersionAsTheBuiltInPolicy()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "policies", "default.yaml");

        var result = PolicyLoader.LoadFile(path);

        result.Errors.Should().BeEmpty();
        result.Policy!.Version.Should().Be(BuiltInPolicy.Load().Version);
        result.Policy.SourceName.Should().Be(path);
    }

    [Fact]
    public void BuiltInPolicy_Loads_WithZeroErrors()
    {
        var result = PolicyLoader.Load(BuiltInPolicy.Text(), BuiltInPolicy.SourceName);

        result.Errors.Should().BeEmpty();
        BuiltInPolicy.Load().SourceName.Should().Be("built-in default policy");
    }

    [Fact]
    public void Summarize_BuiltInPolicy_ListsEverything()
    {
        var lines = BuiltInPolicy.Load().Summarize();

        lines[0].Should().StartWith("policy built-in default policy (sha256:");
        lines.Should().Contain("tenants: default, northwind");
        lines.Should().Contain("roles: viewer, rep, manager, admin, auditor");
        lines.Should().Contain("users: 6; unlisted local users: roles rep in tenant default");
        lines.Should().Contain("  allow: 5 (read-crm, write-crm, proposals, audit-admin, approvals-queue)");
        lines.Should().Contain("  deny: 0");
        lines.Should().Contain("  require_approval: 3 (big-deals, closing-deals, contact-email-change)");
        lines.Should().Contain("fields rules: 2 (viewers-no-contact-details, reps-no-deal-owner)");
        lines.Should().Contain("limits: writes_per_user 60 per 1m; records_per_call 100; distinct_records_per_session 500");
        lines.Should().Contain("audit chains: own tenant only");
    }

    [Fact]
    public void PolicyError_ToString_IsCompilerStyle()
    {
        new PolicyError("policy.yaml", 14, 15, "oops").ToString().Should().Be("policy.yaml:14:15: oops");
        new PolicyError("policy.yaml", 0, 0, "cannot read").ToString().Should().Be("policy.yaml: cannot read");
    }

    private static IReadOnlyList<PolicyError> Errors(string yaml)
    {
        var result = PolicyLoader.Load(yaml, "policy.yaml");
        result.Policy.Should().BeNull();
        return result.Errors;
    }
}
