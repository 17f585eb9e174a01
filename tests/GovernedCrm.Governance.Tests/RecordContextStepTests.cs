using System.Text.Json;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Steps.RecordContext;

namespace GovernedCrm.Governance.Tests;

public sealed class RecordContextStepTests
{
    [Fact]
    public async Task InvokeAsync_CallNamesARecord_PutsItsTenantAndValuesOnTheCallBeforeTheNextStep()
    {
        var record = new CurrentRecord("default", new Dictionary<string, JsonElement> { ["amount"] = JsonSerializer.SerializeToElement(60000) });
        var call = TestCalls.Create("""{"objectType":"deal","recordId":"3001"}""");
        CurrentRecord? seen = null;

        var outcome = await new GovernancePipelineBuilder().AddStep(new RecordContextStep(new FixedReader(record))).Build()
            .ExecuteAsync(call, (c, _) => { seen = c.Current; return ValueTask.FromResult("ran"); }, CancellationToken.None);

        outcome.Executed.Should().BeTrue();
        seen.Should().BeSameAs(record);
    }

    [Fact]
    public async Task InvokeAsync_CallNamesNoRecord_DoesNotRead()
    {
        var reader = new FixedReader(null);

        await new GovernancePipelineBuilder().AddStep(new RecordContextStep(reader)).Build()
            .ExecuteAsync(TestCalls.Create("""{"objectType":"deal"}"""), (_, _) => ValueTask.FromResult("ran"), CancellationToken.None);

        reader.Reads.Should().Be(0);
    }

    [Fact]
    public async Task InvokeAsync_ReaderFails_TheCallDoesNotGoOn()
    {
        var ran = false;
        var run = async () => await new GovernancePipelineBuilder().AddStep(new RecordContextStep(new FailingReader())).Build()
            .ExecuteAsync(TestCalls.Create("""{"objectType":"deal","recordId":"3001"}"""), (_, _) => { ran = true; return ValueTask.FromResult("ran"); }, CancellationToken.None);

        (await run.Should().ThrowAsync<GovernedCallException>()).Which.Code.Should().Be("crm.unavailable");
        ran.Should().BeFalse();
    }

    private sealed class FixedReader(CurrentRecord? record) : IRecordContextReader
    {
        public int Reads { get; private set; }

        public ValueTask<CurrentRecord?> ReadAsync(GovernedCall call, CancellationToken cancellationToken)
        {
            Reads++;
            return ValueTask.FromResult(record);
        }
    }

    private sealed class FailingReader : IRecordContextReader
    {
        public ValueTask<CurrentRecord?> ReadAsync(GovernedCall call, CancellationToken cancellationToken) =>
            throw new GovernedCallException("crm.unavailable", "The CRM is busy.");
    }
}
