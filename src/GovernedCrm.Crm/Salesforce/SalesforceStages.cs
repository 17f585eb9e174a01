namespace GovernedCrm.Crm.Salesforce;

/// <summary>
/// The contract's deal stages (HubSpot's defaults) and Salesforce's default Opportunity stages:
/// appointmentscheduled ↔ Prospecting, qualifiedtobuy ↔ Qualification, presentationscheduled ↔ Value Proposition,
/// decisionmakerboughtin ↔ Id. Decision Makers, contractsent ↔ Proposal/Price Quote, closedwon ↔ Closed Won,
/// closedlost ↔ Closed Lost. A Salesforce stage outside this table (Needs Analysis, Perception Analysis,
/// Negotiation/Review, custom ones) is read as its Salesforce value, unchanged, rather than guessed.
/// </summary>
internal static class SalesforceStages
{
    private static readonly Dictionary<string, string> ToSalesforce = new(StringComparer.Ordinal)
    {
        ["appointmentscheduled"] = "Prospecting",
        ["qualifiedtobuy"] = "Qualification",
        ["presentationscheduled"] = "Value Proposition",
        ["decisionmakerboughtin"] = "Id. Decision Makers",
        ["contractsent"] = "Proposal/Price Quote",
        ["closedwon"] = "Closed Won",
        ["closedlost"] = "Closed Lost",
    };

    private static readonly Dictionary<string, string> FromSalesforce = ToSalesforce.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static string ToStageName(string stage) => ToSalesforce.GetValueOrDefault(stage, stage);

    public static string FromStageName(string stageName) => FromSalesforce.GetValueOrDefault(stageName, stageName);
}
