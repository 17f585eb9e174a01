using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Steps.Validation;

namespace GovernedCrm.Governance.Tests;

public sealed class ArgumentValidationStepTests
{
    private const string Schema = """{"type":"object","properties":{"recordId":{"type":"string"}},"required":["recordId"]}""";

    [Fact]
    public async Task InvokeAsync_InvalidArguments_RefusesBeforeTool()
    {
        var ran = false;

        var outcome = await Run(TestCalls.Create("""{"recordId":7}""", Schema), () => ran = true);

        outcome.Refusal!.Code.Should().Be(ArgumentValidationStep.InvalidArgumentCode);
        ran.Should().BeFalse();
    }

    [Fact]
    public async Task InvokeAsync_ValidArguments_RunsTool()
    {
        var ran = false;

        var outcome = await Run(TestCalls.Create("""{"recordId":"7"}""", Schema), () => ran = true);

        outcome.Executed.Should().BeTrue();
        ran.Should().BeTrue();
    }

    private static async Task<GovernanceOutcome<int>> Run(GovernedCall call, Action onTool) =>
        await new GovernancePipelineBuilder().AddStep(new ArgumentValidationStep()).Build()
            .ExecuteAsync(call, (_, _) => { onTool(); return ValueTask.FromResult(0); }, CancellationToken.None);
}
