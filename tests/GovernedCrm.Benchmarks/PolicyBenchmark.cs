using System.Diagnostics;
using System.Globalization;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy;

namespace GovernedCrm.Benchmarks;

/// <summary>
/// Decision time of the rule-based policy: CompiledPolicy.Evaluate on a generated 200-rule policy over a mix of
/// calls (each evaluation timed alone), and PolicyLimiter.Check separately on the calls the policy let through.
/// Target: p99 of Evaluate at most 50 µs.
/// </summary>
internal static class PolicyBenchmark
{
    public const double TargetP99Microseconds = 50;
    private const int CallCount = 2000;

    public static async Task<object> RunAsync(int evaluations, int warmup)
    {
        var workload = PolicyWorkload.Create(CallCount);
        var loaded = PolicyLoader.Load(workload.Yaml, "generated-200-rules.yaml");
        var policy = loaded.Policy ?? throw new InvalidOperationException("The generated policy is invalid: " + string.Join("; ", loaded.Errors));
        var calls = workload.Calls;

        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var call in calls)
        {
            var key = policy.Evaluate(call) switch
            {
                PolicyDecision.Deny deny => deny.Code,
                PolicyDecision.RequireApproval => "require_approval",
                _ => "allow",
            };
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        await Console.Error.WriteLineAsync($"benchmark: policy warm-up ({warmup.ToString(CultureInfo.InvariantCulture)} evaluations)").ConfigureAwait(false);
        for (var i = 0; i < warmup; i++)
        {
            policy.Evaluate(calls[i % calls.Length]);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        await Console.Error.WriteLineAsync($"benchmark: timing {evaluations.ToString(CultureInfo.InvariantCulture)} evaluations").ConfigureAwait(false);
        var evaluate = new double[evaluations];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < evaluations; i++)
        {
            var call = calls[i % calls.Length];
            var start = Stopwatch.GetTimestamp();
            policy.Evaluate(call);
            evaluate[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        var evaluateSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var bytesPerEvaluate = (double)(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / evaluations;

        // The limiter sees only what the policy let through, with the effective caller, as the host will call it.
        var admitted = calls
            .Where(c => policy.Evaluate(c) is not PolicyDecision.Deny)
            .Select(c => (Call: c, Caller: policy.ResolveCaller(c.Caller)!))
            .ToArray();
        var limiter = new PolicyLimiter(TimeProvider.System);
        var limitDenials = 0;
        for (var i = 0; i < Math.Min(warmup, evaluations); i++)
        {
            var (call, caller) = admitted[i % admitted.Length];
            limiter.Check(call, caller, policy.Limits);
        }

        var check = new double[evaluations];
        for (var i = 0; i < evaluations; i++)
        {
            var (call, caller) = admitted[i % admitted.Length];
            var start = Stopwatch.GetTimestamp();
            var denial = limiter.Check(call, caller, policy.Limits);
            check[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (denial is not null)
            {
                limitDenials++;
            }
        }

        var evaluateStats = LatencyStats.From("CompiledPolicy.Evaluate", governed: true, evaluate);
        var checkStats = LatencyStats.From("PolicyLimiter.Check", governed: true, check);
        return new
        {
            Benchmark = "policy: decision time of the rule-based policy (CompiledPolicy.Evaluate) and of its limiter (PolicyLimiter.Check), each call timed alone",
            TimestampUtc = BenchmarkMachine.UtcStamp(TimeProvider.System),
            Machine = BenchmarkMachine.Describe(),
            Policy = new
            {
                Rules = PolicyWorkload.RuleCount,
                workload.Allow,
                workload.Deny,
                workload.RequireApproval,
                workload.WithConditions,
                PolicyWorkload.FieldRules,
                PolicyWorkload.Users,
                PolicyWorkload.Tools,
                policy.Version,
            },
            Calls = calls.Length,
            DecisionMix = outcomes,
            Evaluations = evaluations,
            WarmupEvaluations = warmup,
            Unit = "microseconds per call",
            Evaluate = evaluateStats,
            EvaluateThroughputPerSecond = Math.Round(evaluations / evaluateSeconds),
            EvaluateAllocatedBytesPerCall = Math.Round(bytesPerEvaluate, 1),
            LimiterCheck = checkStats,
            LimiterCalls = admitted.Length,
            LimiterDenials = limitDenials,
            TargetP99Microseconds,
            Met = evaluateStats.P99 <= TargetP99Microseconds,
        };
    }
}
