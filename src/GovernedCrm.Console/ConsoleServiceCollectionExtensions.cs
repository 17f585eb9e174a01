using GovernedCrm.Store;
using GovernedCrm.Store.ConsoleLinks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GovernedCrm.AdminConsole;

/// <summary>Registers the admin console on an HTTP host that serves the governed MCP server (its approval service, policy and audit trail).</summary>
public static class ConsoleServiceCollectionExtensions
{
    /// <summary>
    /// Adds the console: its pages, its sign-in (<see cref="ConsoleOptions.OpenIdConnect"/>, else one-time links), the
    /// antiforgery tokens of its forms, and data protection keys held in memory only (sessions end when the server stops).
    /// Call <see cref="ConsoleEndpointRouteBuilderExtensions.MapGovernedCrmConsole"/> on the application as well.
    /// </summary>
    /// <param name="services">The host's services (with the approval tools registered).</param>
    /// <param name="options">How the console is served.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddGovernedCrmConsole(this IServiceCollection services, ConsoleOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.TryAddSingleton<ConsoleCaller>();
        services.TryAddSingleton<ConsoleAccess>();
        services.TryAddSingleton<Trail.VerifyJobs>();
        services.TryAddSingleton(_ => new SqliteConsoleLinkStore(GovernanceDatabase.InDataFolder(options.DataFolder)));

        // Keys for the session and antiforgery cookies, in memory: nothing to steal from disk, and a restart signs everyone out.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAntiforgery(o =>
        {
            ConsoleCookies.Harden(o.Cookie, ConsoleSchemes.AntiforgeryCookie);
            o.FormFieldName = ConsoleSchemes.AntiforgeryField;
            o.HeaderName = null;
            o.SuppressXFrameOptionsHeader = true;
        });

        services
            .AddRazorPages(o =>
            {
                o.Conventions.AuthorizeFolder("/", ConsoleSchemes.Policy);
                o.Conventions.AllowAnonymousToPage("/SignIn");
                o.Conventions.AllowAnonymousToPage("/SignedIn");
                o.Conventions.AllowAnonymousToPage("/Link");
            })
            .ConfigureApplicationPartManager(parts =>
            {
                // Only the console's own pages: nothing else in the process is served by MVC.
                parts.ApplicationParts.Clear();
                var assembly = typeof(ConsoleOptions).Assembly;
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                {
                    parts.ApplicationParts.Add(part);
                }
            });

        ConsoleAuthentication.Add(services, options);
        return services;
    }
}
