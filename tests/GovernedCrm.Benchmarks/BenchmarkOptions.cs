using System.Globalization;

namespace GovernedCrm.Benchmarks;

/// <summary>The command line: which suite to run and its sizes.</summary>
internal sealed class BenchmarkOptions
{
    public const string GovernedPath = "governed-path";
    public const string AuditVerify = "audit-verify";
    public const string AuditAppend = "audit-append";
    public const string AuditOverhead = "audit-overhead";
    public const string Policy = "policy";
    public const string AuditQuery = "audit-query";
    public const string HttpLoad = "http-load";
    public const string All = "all";

    public const string Usage =
        "usage: GovernedCrm.Benchmarks [--suite governed-path|audit-verify|audit-append|audit-overhead|policy|audit-query|http-load|all]\n" +
        "         [--iterations N] [--warmup N]          governed-path and audit-overhead: measured and warm-up call pairs (2000, 200)\n" +
        "         [--verify-entries N] [--small-entries N] audit-verify: large and small log sizes (1000000, 10000)\n" +
        "         [--rounds N]                           audit-verify and audit-append: timed rounds (5)\n" +
        "         [--append-entries N] [--callers N]     audit-append: entries per round and concurrent callers (100000, 64)\n" +
        "         [--evaluations N] [--policy-warmup N]  policy: timed and warm-up decisions (200000, 50000)\n" +
        "         [--query-entries N] [--query-samples N] audit-query: trail size (1000000, cached in the temp folder) and timed queries of each kind (200)\n" +
        "         [--sessions N] [--seconds N]           http-load: concurrent HTTP sessions and measured seconds per mode (16, 20); not part of all\n" +
        "       Prints one JSON object on stdout; progress goes to stderr. The default suite is governed-path.";

    private static readonly string[] Suites = [GovernedPath, AuditVerify, AuditAppend, AuditOverhead, Policy, AuditQuery, HttpLoad, All];

    public string Suite { get; private set; } = GovernedPath;

    public int Iterations { get; private set; } = 2000;

    public int Warmup { get; private set; } = 200;

    public int VerifyEntries { get; private set; } = 1_000_000;

    public int SmallEntries { get; private set; } = 10_000;

    public int Rounds { get; private set; } = 5;

    public int AppendEntries { get; private set; } = 100_000;

    public int Callers { get; private set; } = 64;

    public int Evaluations { get; private set; } = 200_000;

    public int PolicyWarmup { get; private set; } = 50_000;

    public int QueryEntries { get; private set; } = 1_000_000;

    public int QuerySamples { get; private set; } = 200;

    public int Sessions { get; private set; } = 16;

    public int Seconds { get; private set; } = 20;

    public static bool TryParse(string[] args, out BenchmarkOptions options, out string error)
    {
        options = new BenchmarkOptions();
        error = string.Empty;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name != "--suite" && !IsKnownNumber(name))
            {
                error = $"unknown argument '{name}'";
                return false;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value";
                return false;
            }

            var text = args[++i];
            if (name == "--suite")
            {
                if (!Suites.Contains(text, StringComparer.Ordinal))
                {
                    error = $"unknown suite '{text}' (expected one of: {string.Join(", ", Suites)})";
                    return false;
                }

                options.Suite = text;
                continue;
            }

            // Zero warm-up is allowed; every other count must be at least 1.
            var minimum = name is "--warmup" or "--policy-warmup" ? 0 : 1;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < minimum)
            {
                error = $"{name} needs a whole number ({(minimum == 0 ? "0 or more" : "at least 1")})";
                return false;
            }

            switch (name)
            {
                case "--iterations": options.Iterations = value; break;
                case "--warmup": options.Warmup = value; break;
                case "--verify-entries": options.VerifyEntries = value; break;
                case "--small-entries": options.SmallEntries = value; break;
                case "--rounds": options.Rounds = value; break;
                case "--append-entries": options.AppendEntries = value; break;
                case "--callers": options.Callers = value; break;
                case "--evaluations": options.Evaluations = value; break;
                case "--policy-warmup": options.PolicyWarmup = value; break;
                case "--query-entries": options.QueryEntries = value; break;
                case "--query-samples": options.QuerySamples = value; break;
                case "--sessions": options.Sessions = value; break;
                case "--seconds": options.Seconds = value; break;
                default:
                    error = $"unknown argument '{name}'";
                    return false;
            }
        }

        return true;
    }

    private static bool IsKnownNumber(string name) =>
        name is "--iterations" or "--warmup" or "--verify-entries" or "--small-entries" or "--rounds" or "--append-entries" or "--callers"
            or "--evaluations" or "--policy-warmup" or "--query-entries" or "--query-samples" or "--sessions" or "--seconds";
}
