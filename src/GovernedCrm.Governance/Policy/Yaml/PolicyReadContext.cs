using System.Text.RegularExpressions;

namespace GovernedCrm.Governance.Policy.Yaml;

/// <summary>
/// What the readers of one policy file share: its errors, the declared roles and tenants every reference is
/// checked against, and the ids taken so far.
/// </summary>
/// <param name="errors">Where problems go.</param>
internal sealed partial class PolicyReadContext(PolicyErrorList errors)
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    /// <summary>Where problems go.</summary>
    public PolicyErrorList Errors => errors;

    /// <summary>The declared roles, in file order.</summary>
    public List<string> Roles { get; } = [];

    /// <summary>The declared tenants, in file order.</summary>
    public List<string> Tenants { get; } = [];

    /// <summary>
    /// Checks role references: each must be declared. Returns the roles, or null when one is not declared (or
    /// the roles section itself was invalid, which was reported already).
    /// </summary>
    public IReadOnlyList<string>? CheckRoles(IReadOnlyList<YamlScalar>? roles, string where)
    {
        if (roles is null)
        {
            return null;
        }

        var ok = true;
        foreach (var role in roles)
        {
            if (!Roles.Contains(role.Value, StringComparer.Ordinal))
            {
                errors.Add(role, $"unknown role '{role.Value}' {where}; declared roles: {string.Join(", ", Roles)}");
                ok = false;
            }
        }

        return ok ? [.. roles.Select(r => r.Value).Distinct(StringComparer.Ordinal)] : null;
    }

    /// <summary>Checks a tenant reference: it must be declared.</summary>
    public string? CheckTenant(YamlScalar tenant, string where)
    {
        if (Tenants.Contains(tenant.Value, StringComparer.Ordinal))
        {
            return tenant.Value;
        }

        errors.Add(tenant, $"unknown tenant '{tenant.Value}' {where}; declared tenants: {string.Join(", ", Tenants)}");
        return null;
    }

    /// <summary>Checks a rule or fields id: its form, reserved prefixes and uniqueness across rules and fields.</summary>
    public bool CheckId(YamlScalar id, string section)
    {
        if (!IdPattern().IsMatch(id.Value))
        {
            errors.Add(id, $"bad id '{id.Value}' in {section}; ids use lowercase letters, digits, '.', '_' and '-', e.g. big-deals");
            return false;
        }

        var reserved = PolicyRuleIds.ReservedPrefixes.FirstOrDefault(p => id.Value.StartsWith(p, StringComparison.Ordinal));
        if (reserved is not null)
        {
            errors.Add(id, $"the id '{id.Value}' in {section} uses the reserved prefix '{reserved}'; choose another id");
            return false;
        }

        if (_ids.TryGetValue(id.Value, out var firstLine))
        {
            errors.Add(id, $"duplicate rule id '{id.Value}' (first at line {firstLine.ToString(CultureInfo.InvariantCulture)}); ids must be unique across rules and fields");
            return false;
        }

        _ids.Add(id.Value, id.Line);
        return true;
    }

    /// <summary>Checks a property name used in fields rules.</summary>
    public bool CheckPropertyName(YamlScalar name, string where)
    {
        if (PropertyPattern().IsMatch(name.Value))
        {
            return true;
        }

        errors.Add(name, $"bad property name '{name.Value}' {where}; property names are letters, digits and '_', starting with a letter or '_'");
        return false;
    }

    [GeneratedRegex("^[a-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PropertyPattern();
}
