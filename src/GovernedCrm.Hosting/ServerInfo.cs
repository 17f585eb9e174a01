using System.Reflection;
using ModelContextProtocol.Protocol;

namespace GovernedCrm.Hosting;

/// <summary>What the server tells clients about itself.</summary>
internal static class ServerInfo
{
    public static string Version { get; } =
        typeof(ServerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static void Configure(McpServerOptions options)
    {
        options.ServerInfo = new Implementation { Name = "governed-crm", Title = "GovernedCrm", Version = Version };
        options.ServerInstructions =
            "GovernedCrm exposes CRM records (contacts, companies, deals) under governance. Every call is checked by policy " +
            "and recorded; writes may be denied or need a human's approval. Give a clear reason (and a confidence from 0 to 1) " +
            "with every write. Read a record before changing it.";
    }
}
