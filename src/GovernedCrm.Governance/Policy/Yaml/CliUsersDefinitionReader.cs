namespace GovernedCrm.Governance.Policy.Yaml;

/// <summary>
/// Reads the policy file's <c>cli_users</c> section: OS user name to <c>{ user: U, act_as: [V, W] }</c>, where U and
/// every act_as entry are users listed under <c>users</c> (act_as may also be <c>["*"]</c>, every listed user).
/// </summary>
internal static class CliUsersDefinitionReader
{
    private static readonly string[] EntryKeys = ["user", "act_as"];

    /// <summary>Reads the section; null when the file has none (then the OS user name is the policy user).</summary>
    /// <param name="node">The section's node, or null when absent.</param>
    /// <param name="users">The listed users (already read).</param>
    /// <param name="errors">Where problems go.</param>
    /// <returns>The entries by OS user name, or null.</returns>
    public static IReadOnlyDictionary<string, CliUser>? Read(YamlNode? node, IReadOnlyCollection<string> users, PolicyErrorList errors)
    {
        if (node is null)
        {
            return null;
        }

        var entries = new Dictionary<string, CliUser>(StringComparer.Ordinal);
        if (node is not YamlMapping mapping)
        {
            errors.Add(node, $"cli_users must be a mapping of OS user name to {{ user: ..., act_as: [...] }}, found {node.KindName}");
            return entries;
        }

        foreach (var (osUser, value) in mapping.Entries)
        {
            var name = osUser.Value;
            if (name.Length == 0 || name.Any(char.IsWhiteSpace))
            {
                errors.Add(osUser, $"bad OS user name '{name}' in cli_users; names are non-empty and have no spaces");
                continue;
            }

            if (ReadEntry(name, value, users, errors) is { } entry)
            {
                entries.Add(name, entry);
            }
        }

        return entries;
    }

    private static CliUser? ReadEntry(string osUser, YamlNode node, IReadOnlyCollection<string> users, PolicyErrorList errors)
    {
        var what = $"cli_users entry '{osUser}'";
        var view = YamlMappingView.Open(node, what, EntryKeys, errors);
        if (view is null)
        {
            return null;
        }

        string? user = null;
        if (view.Get("user") is { } userNode)
        {
            if (YamlValues.Text(userNode, $"the user of {what}", errors) is { } scalar)
            {
                if (users.Contains(scalar.Value))
                {
                    user = scalar.Value;
                }
                else
                {
                    errors.Add(scalar, $"{what} names user '{scalar.Value}', which is not listed under users; list the user there first");
                }
            }
        }
        else
        {
            errors.Add(view.Mapping, $"{what} needs user, the policy user this OS user is, e.g. {{ user: {users.FirstOrDefault() ?? "maria"} }}");
        }

        var actAs = new List<string>();
        var ok = true;
        if (view.Get("act_as") is { } actAsNode)
        {
            var names = YamlValues.List(actAsNode, $"the act_as of {what}", errors);
            ok = names is not null;
            foreach (var name in names ?? [])
            {
                if (name.Value != CliUser.AnyUser && !users.Contains(name.Value))
                {
                    errors.Add(name, $"act_as of {what} names '{name.Value}', which is not listed under users; name listed users, or \"*\" for all of them");
                    ok = false;
                }
                else if (!actAs.Contains(name.Value, StringComparer.Ordinal))
                {
                    actAs.Add(name.Value);
                }
            }
        }

        return user is null || !ok ? null : new CliUser(osUser, user, actAs);
    }
}
