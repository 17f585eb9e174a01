namespace GovernedCrm.Crm;

/// <summary>Helpers for echoing caller input in error messages without echoing a whole payload.</summary>
internal static class CrmText
{
    public static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
