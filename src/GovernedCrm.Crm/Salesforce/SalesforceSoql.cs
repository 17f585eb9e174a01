using System.Text;

namespace GovernedCrm.Crm.Salesforce;

/// <summary>
/// Builds the SOQL of a search. The search text only ever appears inside a single-quoted string literal, with every
/// character SOQL treats specially escaped (backslash, quotes, line breaks) and the LIKE wildcards % and _ escaped,
/// so a query can neither end the literal nor widen the match.
/// </summary>
internal static class SalesforceSoql
{
    /// <summary>The longest search text accepted (SOQL has a statement length limit; nobody searches for more).</summary>
    public const int MaxSearchLength = 200;

    /// <summary>A SOQL string literal, quotes included, matching <paramref name="text"/> anywhere in a LIKE.</summary>
    public static string ContainsLiteral(string text)
    {
        var literal = new StringBuilder("'%");
        foreach (var c in text)
        {
            literal.Append(c switch
            {
                '\\' => @"\\",
                '\'' => @"\'",
                '"' => "\\\"",
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                '\b' => @"\b",
                '\f' => @"\f",
                '%' => @"\%",
                '_' => @"\_",
                _ when char.IsControl(c) => " ",
                _ => c.ToString(),
            });
        }

        return literal.Append("%'").ToString();
    }

    public static string Search(string sObject, IReadOnlyList<string> fields, IReadOnlyList<string> searchable, string? query, int take)
    {
        var soql = new StringBuilder("SELECT ").AppendJoin(", ", fields).Append(" FROM ").Append(sObject);
        if (!string.IsNullOrWhiteSpace(query) && searchable.Count > 0)
        {
            var literal = ContainsLiteral(query.Trim());
            soql.Append(" WHERE (").AppendJoin(" OR ", searchable.Select(f => $"{f} LIKE {literal}")).Append(')');
        }

        return soql.Append(" ORDER BY Id LIMIT ").Append(take).ToString();
    }
}
