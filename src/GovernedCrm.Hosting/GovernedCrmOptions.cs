namespace GovernedCrm.Hosting;

/// <summary>
/// Where a governed-crm host keeps its data and what it serves. Every setting left unset is read as
/// <c>governed-crm serve</c> reads it: from its environment variable, else the default.
/// </summary>
public sealed class GovernedCrmOptions
{
    /// <summary>The data folder (CRM database, audit trail, governance state). Unset: <c>$GOVERNEDCRM_DATA</c>, else <c>~/.governedcrm</c>.</summary>
    public string? DataFolder { get; set; }

    /// <summary>The policy file (YAML). Unset: <c>$GOVERNEDCRM_POLICY</c>, else the built-in default policy. Watched for changes.</summary>
    public string? PolicyFile { get; set; }

    /// <summary>The connectors file (JSON): tenants on HubSpot or Salesforce. Unset: <c>$GOVERNEDCRM_CONNECTORS</c>, else the embedded CRM for every tenant.</summary>
    public string? ConnectorsFile { get; set; }

    /// <summary>Custom tool assemblies to load besides the host's own tools, as <c>--tools</c> does. Empty: <c>$GOVERNEDCRM_TOOLS</c>, else none.</summary>
    public IList<string> ToolAssemblies { get; } = [];
}
