using GovernedCrm.AdminConsole.Trail;

namespace GovernedCrm.Hosting.ConsoleAudit;

/// <summary>Gives the admin console the server's audit trail: the audit browser and the chain checks (the console's ports, the host's audit code).</summary>
internal static class ConsoleAuditServices
{
    /// <summary>Registers <see cref="IAuditBrowser"/> and <see cref="IChainIntegrity"/> over the server's audit trail and policy.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="resources">The server's opened resources (the audit paths).</param>
    public static void Add(IServiceCollection services, ServerResources resources)
    {
        var paths = resources.AuditPaths;
        services.AddSingleton(sp => AuditQueryService.For(paths.DatabasePath, sp.GetRequiredService<IGovernancePolicy>()));
        services.AddSingleton<IAuditBrowser>(sp => new ConsoleAuditBrowser(sp.GetRequiredService<AuditQueryService>()));
        services.AddSingleton<IChainIntegrity>(sp => new ConsoleChainIntegrity(paths, sp.GetRequiredService<IGovernancePolicy>(), sp.GetRequiredService<AuditQueryService>()));
    }
}
