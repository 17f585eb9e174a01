using System.Runtime;
using System.Runtime.InteropServices;

namespace GovernedCrm.Benchmarks;

/// <summary>Describes the machine and runtime a report was measured on.</summary>
internal static class BenchmarkMachine
{
#if DEBUG
    public const string BuildConfiguration = "Debug";
#else
    public const string BuildConfiguration = "Release";
#endif

    public static object Describe() => new
    {
        Environment.ProcessorCount,
        OsDescription = RuntimeInformation.OSDescription,
        OsArchitecture = RuntimeInformation.OSArchitecture.ToString(),
        ProcessArchitecture = RuntimeInformation.ProcessArchitecture.ToString(),
        DotnetVersion = RuntimeInformation.FrameworkDescription,
        ServerGc = GCSettings.IsServerGC,
        Configuration = BuildConfiguration,
    };

    public static string UtcStamp(TimeProvider time) =>
        time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
