namespace GovernedCrm.Governance.Policy.Yaml;

/// <summary>Reads typed values from policy file nodes, reporting anything of the wrong shape.</summary>
internal static class YamlValues
{
    /// <summary>A text value; null (and an error) when the node is a list or mapping.</summary>
    public static YamlScalar? Text(YamlNode node, string what, PolicyErrorList errors)
    {
        if (node is YamlScalar scalar)
        {
            return scalar;
        }

        errors.Add(node, $"{what} must be a single value, found {node.KindName}");
        return null;
    }

    /// <summary>
    /// A list of text values; null (and an error) when the node is not a list, holds lists or mappings, or is
    /// empty while <paramref name="emptyHint"/> says why empty is wrong.
    /// </summary>
    public static IReadOnlyList<YamlScalar>? List(YamlNode node, string what, PolicyErrorList errors, string? emptyHint = null)
    {
        if (node is not YamlSequence sequence)
        {
            errors.Add(node, $"{what} must be a list, e.g. [a, b], found {node.KindName}");
            return null;
        }

        var items = new List<YamlScalar>(sequence.Items.Count);
        var ok = true;
        foreach (var item in sequence.Items)
        {
            if (item is YamlScalar { IsNull: false } scalar && scalar.Value.Length > 0)
            {
                items.Add(scalar);
                continue;
            }

            errors.Add(item, $"every entry of {what} must be a non-empty value, found {(item is YamlScalar ? "an empty value" : item.KindName)}");
            ok = false;
        }

        if (ok && items.Count == 0 && emptyHint is not null)
        {
            errors.Add(node, $"{what} must not be empty; {emptyHint}");
            return null;
        }

        return ok ? items : null;
    }

    /// <summary>A whole number, at least 0; null (and an error) otherwise.</summary>
    public static int? NonNegativeInteger(YamlNode node, string what, PolicyErrorList errors)
    {
        if (node is YamlScalar { IsQuoted: false } scalar
            && int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            if (value >= 0)
            {
                return value;
            }

            errors.Add(node, $"{what} must not be negative, found {scalar.Value}; use 0 or more");
            return null;
        }

        errors.Add(node, $"{what} must be a whole number, e.g. 100, found {Describe(node)}");
        return null;
    }

    /// <summary>How a node looks, for error messages.</summary>
    public static string Describe(YamlNode node) => node is YamlScalar scalar ? $"'{scalar.Value}'" : node.KindName;
}
