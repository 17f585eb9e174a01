using System.Text.Json;
using GovernedCrm.Governance.Pipeline;

namespace GovernedCrm.Governance.Tests;

public sealed class GovernancePipelineTests
{
    [Fact]
    public async Task ExecuteAsync_StepsInOrder_RunEachThenTheTool()
    {
        var log = new List<string>();
        var pipeline = new GovernancePipelineBuilder()
            .AddStep(new RecordingStep("first", log))
            .AddStep(new RecordingStep("second", log))
            .Build();

        var outcome = await pipeline.ExecuteAsync(TestCalls.Create(), (_, _) => { log.Add("tool"); return ValueTask.FromResult(42); }, CancellationToken.None);

        outcome.Executed.Should().BeTrue();
        outcome.Result.Should().Be(42);
        log.Should().Equal("first:before", "second:before", "tool", "second:after", "first:after");
    }

    [Fact]
    public async Task ExecuteAsync_StepRefuses_ToolAndLaterStepsNeverRun()
    {
        var log = new List<string>();
        var pipeline = new GovernancePipelineBuilder()
            .AddStep(new RefusingStep())
            .AddStep(new RecordingStep("later", log))
            .Build();

        var outcome = await pipeline.ExecuteAsync(TestCalls.Create(), (_, _) => { log.Add("tool"); return ValueTask.FromResult(1); }, CancellationToken.None);

        outcome.Executed.Should().BeFalse();
        outcome.Refusal!.Code.Should().Be("test.refused");
        log.Should().BeEmpty();
    }

    [Fact]
    public async Task ExecuteAsync_StepReplacesArguments_ToolSeesReplacement()
    {
        var pipeline = new GovernancePipelineBuilder().AddStep(new EditingStep()).Build();
        string? seen = null;

        await pipeline.ExecuteAsync(TestCalls.Create("""{"recordId":"1"}"""), (call, _) =>
        {
            seen = call.Arguments["recordId"].GetString();
            return ValueTask.FromResult(0);
        }, CancellationToken.None);

        seen.Should().Be("edited");
    }

    [Fact]
    public async Task ExecuteAsync_Cancelled_ThrowsBeforeTheTool()
    {
        var pipeline = new GovernancePipelineBuilder().Build();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var ran = false;

        var act = async () => await pipeline.ExecuteAsync(TestCalls.Create(), (_, _) => { ran = true; return ValueTask.FromResult(0); }, cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        ran.Should().BeFalse();
    }

    [Fact]
    public void Build_Twice_Throws()
    {
        var builder = new GovernancePipelineBuilder();
        builder.Build();

        builder.Invoking(b => b.Build()).Should().Throw<InvalidOperationException>();
        builder.Invoking(b => b.AddStep(new RefusingStep())).Should().Throw<InvalidOperationException>().WithMessage("*already built*");
    }

    [Fact]
    public void AddStep_DuplicateName_Throws()
    {
        var builder = new GovernancePipelineBuilder().AddStep(new RefusingStep());

        builder.Invoking(b => b.AddStep(new RefusingStep())).Should().Throw<InvalidOperationException>().WithMessage("*already has a step named 'refuse'*");
    }

    private sealed class RecordingStep(string name, List<string> log) : IGovernanceStep
    {
        public string Name => name;

        public async ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
        {
            log.Add($"{name}:before");
            var outcome = await next(call, cancellationToken);
            log.Add($"{name}:after");
            return outcome;
        }
    }

    private sealed class RefusingStep : IGovernanceStep
    {
        public string Name => "refuse";

        public ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GovernanceOutcome<TResult>.Refused(new GovernanceRefusal("test.refused", "no")));
    }

    private sealed class EditingStep : IGovernanceStep
    {
        public string Name => "edit";

        public ValueTask<GovernanceOutcome<TResult>> InvokeAsync<TResult>(GovernedCall call, GovernanceNext<TResult> next, CancellationToken cancellationToken)
        {
            call.Arguments = new Dictionary<string, JsonElement> { ["recordId"] = JsonSerializer.SerializeToElement("edited") };
            return next(call, cancellationToken);
        }
    }
}
