using GovernedCrm.Governance.Policy.Definition;

namespace GovernedCrm.Governance.Policy.Evaluation;

/// <summary>
/// Step 1 of evaluation: who is calling. Local (stdio) users are looked up in the policy's users, else
/// local_default; token callers bring their tenant (which must be declared) and roles (undeclared ones are
/// dropped); anyone else is unauthenticated.
/// </summary>
internal sealed class CallerDirectory
{
    private readonly PolicyDefinition _definition;
    private readonly RoleCatalog _roles;
    private readonly Dictionary<string, ulong> _userMasks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tenants;
    private readonly ulong _localDefaultMask;

    /// <summary>Builds the directory.</summary>
    /// <param name="definition">The policy.</param>
    /// <param name="roles">The declared roles.</param>
    /// <param name="policyVersion">Stamped on the directory's denials.</param>
    public CallerDirectory(PolicyDefinition definition, RoleCatalog roles, string policyVersion)
    {
        _definition = definition;
        _roles = roles;
        _tenants = new HashSet<string>(definition.Tenants, StringComparer.Ordinal);
        foreach (var (id, entry) in definition.Users)
        {
            _userMasks[id] = roles.MaskOf(entry.Roles);
        }

        _localDefaultMask = definition.LocalDefault is { } local ? roles.MaskOf(local.Roles) : 0;
        UnknownUser = Deny(PolicyDenialCodes.UnknownUser, "You are not a user of this server's policy.", PolicyRuleIds.Directory);
        UnknownTenant = Deny(PolicyDenialCodes.UnknownTenant, "Your tenant is not served by this server's policy.", PolicyRuleIds.Directory);
        Unauthenticated = Deny(PolicyDenialCodes.Unauthenticated, "Sign in to use this server.", PolicyRuleIds.Authentication);

        PolicyDecision.Deny Deny(string code, string message, string rule) => new(code, message) { PolicyVersion = policyVersion, Rule = rule };
    }

    /// <summary>The denial of a caller the directory does not know.</summary>
    public PolicyDecision.Deny UnknownUser { get; }

    /// <summary>The denial of a token caller whose tenant is not declared.</summary>
    public PolicyDecision.Deny UnknownTenant { get; }

    /// <summary>The denial of an unauthenticated caller.</summary>
    public PolicyDecision.Deny Unauthenticated { get; }

    /// <summary>Resolves the caller, adding what it did to <paramref name="trace"/> when explaining.</summary>
    public ResolvedCaller Resolve(CallerIdentity caller, List<string>? trace)
    {
        switch (caller.Source)
        {
            case CallerSources.Local:
                if (_definition.Users.TryGetValue(caller.UserId, out var entry))
                {
                    trace?.Add($"caller: local user '{caller.UserId}' is listed in users: roles {Names(entry.Roles)}; tenant {entry.Tenant}");
                    return new ResolvedCaller(null, entry.Tenant, _userMasks[caller.UserId], entry);
                }

                if (_definition.LocalDefault is { } local)
                {
                    trace?.Add($"caller: local user '{caller.UserId}' is not listed in users, so local_default applies: roles {Names(local.Roles)}; tenant {local.Tenant}");
                    return new ResolvedCaller(null, local.Tenant, _localDefaultMask, local);
                }

                trace?.Add($"caller: local user '{caller.UserId}' is not listed in users and the policy has no local_default");
                return new ResolvedCaller(UnknownUser, string.Empty, 0, null);

            case CallerSources.Token:
                if (!_tenants.Contains(caller.Tenant))
                {
                    trace?.Add($"caller: token user '{caller.UserId}' names tenant '{caller.Tenant}', which the policy does not declare");
                    return new ResolvedCaller(UnknownTenant, string.Empty, 0, null);
                }

                var mask = _roles.MaskOf(caller.Roles);
                trace?.Add($"caller: token user '{caller.UserId}' in tenant {caller.Tenant}; token roles {Names(caller.Roles)}; declared roles used: {Names(_roles.NamesOf(mask))}");
                return mask == 0
                    ? new ResolvedCaller(UnknownUser, string.Empty, 0, null)
                    : new ResolvedCaller(null, caller.Tenant, mask, null);

            default:
                trace?.Add($"caller: not authenticated (identity source '{caller.Source}')");
                return new ResolvedCaller(Unauthenticated, string.Empty, 0, null);
        }
    }

    /// <summary>The caller with the tenant and roles the policy gives it; null when the policy refuses it.</summary>
    public CallerIdentity? Effective(CallerIdentity caller)
    {
        var resolved = Resolve(caller, trace: null);
        if (resolved.Denial is not null)
        {
            return null;
        }

        var roles = resolved.Entry?.Roles ?? _roles.NamesOf(resolved.Roles);
        return caller with { Tenant = resolved.Tenant, Roles = roles };
    }

    /// <summary>The roles the resolved caller holds, by name.</summary>
    public IReadOnlyList<string> RoleNames(ulong mask) => _roles.NamesOf(mask);

    private static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "(none)" : string.Join(", ", names);
}
