using GovernedCrm.Governance.Policy.Definition;

namespace GovernedCrm.Governance.Policy.Yaml;

/// <summary>
/// Turns a policy file's YAML tree into a <see cref="PolicyDefinition"/>, checking everything and reporting
/// every problem (not just the first). Declarations (version, tenants, roles) are read first so references
/// can be checked wherever they appear in the file.
/// </summary>
internal static class PolicyDefinitionReader
{
    /// <summary>The current (and only) policy file format.</summary>
    public const int FormatVersion = 1;

    /// <summary>The maximum number of roles (each role is a bit in the evaluator's role masks).</summary>
    public const int MaxRoles = 64;

    private static readonly string[] TopKeys = ["version", "tenants", "roles", "local_default", "users", "cli_users", "rules", "fields", "limits", "audit"];
    private static readonly string[] EntryKeys = ["roles", "tenant"];

    /// <summary>Reads and checks a policy file.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="errors">Where problems go.</param>
    /// <returns>The definition, or null when there were problems.</returns>
    public static PolicyDefinition? Read(string text, PolicyErrorList errors)
    {
        var root = YamlTreeReader.Read(text, errors);
        if (root is null)
        {
            return null;
        }

        var top = YamlMappingView.Open(root, "the policy file", TopKeys, errors);
        if (top is null)
        {
            return null;
        }

        var context = new PolicyReadContext(errors);
        ReadVersion(top, errors);
        ReadNames(top, "tenants", "tenant", context.Tenants, errors, maxCount: null);
        ReadNames(top, "roles", "role", context.Roles, errors, MaxRoles);

        var localDefault = top.Get("local_default") is { } local ? ReadEntry(local, "local_default", "in local_default", context) : null;
        var users = ReadUsers(top.Get("users"), context);
        var cliUsers = CliUsersDefinitionReader.Read(top.Get("cli_users"), users.Keys, errors);
        var rules = RuleDefinitionReader.ReadAll(top.Get("rules"), context);
        var fields = FieldRuleDefinitionReader.ReadAll(top.Get("fields"), context);
        var limits = LimitsDefinitionReader.Read(top.Get("limits"), errors);
        var auditCrossTenantRoles = AuditDefinitionReader.Read(top.Get("audit"), context);

        if (errors.Any)
        {
            return null;
        }

        return new PolicyDefinition
        {
            Tenants = context.Tenants,
            Roles = context.Roles,
            LocalDefault = localDefault,
            Users = users,
            CliUsers = cliUsers,
            Rules = rules,
            Fields = fields,
            WritesPerUser = limits.WritesPerUser,
            RecordsPerCall = limits.RecordsPerCall,
            DistinctRecordsPerSession = limits.DistinctRecordsPerSession,
            AuditCrossTenantRoles = auditCrossTenantRoles,
        };
    }

    private static void ReadVersion(YamlMappingView top, PolicyErrorList errors)
    {
        var node = top.Get("version");
        if (node is null)
        {
            errors.Add(top.Mapping, $"missing 'version'; add version: {FormatVersion} as the first line");
        }
        else if (node is not YamlScalar { IsQuoted: false, Value: "1" })
        {
            errors.Add(node, $"version must be {FormatVersion} (the only policy format), found {YamlValues.Describe(node)}");
        }
    }

    private static void ReadNames(YamlMappingView top, string key, string singular, List<string> into, PolicyErrorList errors, int? maxCount)
    {
        var node = top.Get(key);
        if (node is null)
        {
            errors.Add(top.Mapping, $"missing '{key}'; declare every {singular} the policy uses, e.g. {key}: [{(key == "roles" ? "viewer, rep, manager, admin" : "default")}]");
            return;
        }

        var names = YamlValues.List(node, key, errors, emptyHint: $"declare at least one {singular}");
        foreach (var name in names ?? [])
        {
            if (name.Value.Any(char.IsWhiteSpace))
            {
                errors.Add(name, $"bad {singular} name '{name.Value}'; names have no spaces");
            }
            else if (into.Contains(name.Value, StringComparer.Ordinal))
            {
                errors.Add(name, $"{singular} '{name.Value}' is declared twice; declare it once");
            }
            else
            {
                into.Add(name.Value);
            }
        }

        if (maxCount is { } max && into.Count > max)
        {
            errors.Add(node, $"at most {max} {key} may be declared, found {into.Count}");
        }
    }

    private static Dictionary<string, DirectoryEntry> ReadUsers(YamlNode? node, PolicyReadContext context)
    {
        var users = new Dictionary<string, DirectoryEntry>(StringComparer.Ordinal);
        if (node is null)
        {
            return users;
        }

        if (node is not YamlMapping mapping)
        {
            context.Errors.Add(node, $"users must be a mapping of user id to {{ roles: [...], tenant: ... }}, found {node.KindName}");
            return users;
        }

        foreach (var (id, value) in mapping.Entries)
        {
            if (id.Value.Length == 0 || id.Value.Any(char.IsWhiteSpace))
            {
                context.Errors.Add(id, $"bad user id '{id.Value}'; user ids are non-empty and have no spaces");
                continue;
            }

            if (ReadEntry(value, $"user '{id.Value}'", $"for user '{id.Value}'", context) is { } entry)
            {
                users.Add(id.Value, entry);
            }
        }

        return users;
    }

    private static DirectoryEntry? ReadEntry(YamlNode node, string what, string where, PolicyReadContext context)
    {
        var view = YamlMappingView.Open(node, what, EntryKeys, context.Errors);
        if (view is null)
        {
            return null;
        }

        IReadOnlyList<string>? roles = null;
        if (view.Get("roles") is { } rolesNode)
        {
            roles = context.CheckRoles(YamlValues.List(rolesNode, $"the roles of {what}", context.Errors, emptyHint: "give at least one role"), where);
        }
        else
        {
            context.Errors.Add(view.Mapping, $"{what} needs roles, e.g. roles: [rep]");
        }

        string? tenant = null;
        if (view.Get("tenant") is { } tenantNode)
        {
            var scalar = YamlValues.Text(tenantNode, $"the tenant of {what}", context.Errors);
            tenant = scalar is null ? null : context.CheckTenant(scalar, where);
        }
        else
        {
            context.Errors.Add(view.Mapping, $"{what} needs a tenant, e.g. tenant: {context.Tenants.FirstOrDefault() ?? "default"}");
        }

        return roles is null || tenant is null ? null : new DirectoryEntry(roles, tenant);
    }
}
