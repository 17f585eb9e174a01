namespace GovernedCrm.Audit.Witnesses;

/// <summary>The client of each witness kind.</summary>
internal static class WitnessClients
{
    /// <summary>The client of <paramref name="target"/>; HTTP kinds use <paramref name="http"/>.</summary>
    public static IWitness Open(WitnessTarget target, Func<HttpClient> http) => target.Kind switch
    {
        WitnessKind.Directory => new DirectoryWitness(target.Location),
        WitnessKind.TlogWitness => new TlogWitness(target, http()),
        _ => new HttpNoteWitness(target, http()),
    };
}
