using System.Text.Json.Serialization;

namespace GovernedCrm.Crm;

/// <summary>The CRM object types the tools can reach. Names follow HubSpot's conventions.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CrmObjectType>))]
public enum CrmObjectType
{
    /// <summary>A person.</summary>
    [JsonStringEnumMemberName("contact")]
    Contact,

    /// <summary>An organisation.</summary>
    [JsonStringEnumMemberName("company")]
    Company,

    /// <summary>A sales opportunity with an amount and a stage.</summary>
    [JsonStringEnumMemberName("deal")]
    Deal,
}
