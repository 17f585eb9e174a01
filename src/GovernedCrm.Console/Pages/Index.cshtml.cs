namespace GovernedCrm.AdminConsole.Pages;

/// <summary>The console's home: the first section the user may open, else a page saying there is none.</summary>
/// <param name="access">The policy's answers.</param>
public sealed class IndexModel(ConsoleAccess access) : ConsolePageModel
{
    /// <summary>Sends the user to their first section.</summary>
    /// <returns>A redirect, or the page.</returns>
    public IActionResult OnGet()
    {
        var sections = ConsoleNavigation.For(Caller, access);
        return sections.Count > 0 ? LocalRedirect(sections[0].Path) : Page();
    }
}
