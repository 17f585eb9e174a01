using GovernedCrm.Crm.Remote;

namespace GovernedCrm.Crm.HubSpot;

/// <summary>Where the HubSpot connector sends its calls and which provider's tokens it asks for.</summary>
public sealed class HubSpotCrmOptions() : RemoteCrmOptions("hubspot")
{
    /// <summary>The default API base.</summary>
    public static Uri DefaultBaseAddress => HubSpotDefaults.ApiBaseUrl;

    /// <summary>The API base (HubSpot's, or a local contract double in tests).</summary>
    public Uri BaseAddress { get; set; } = DefaultBaseAddress;
}
