using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace GovernedCrm.AdminConsole.Pages;

/// <summary>What every signed-in console page knows: who is reading, resolved by the policy on this request.</summary>
public abstract class ConsolePageModel : PageModel
{
    private CallerIdentity? _caller;

    /// <summary>The signed-in user, as the policy resolves them now.</summary>
    public CallerIdentity Caller => _caller ??= HttpContext.RequestServices.GetRequiredService<ConsoleCaller>().Resolve(User);
}
