using System.Text.RegularExpressions;
using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Server.Tests.Http;
using GovernedCrm.Server.Tests.Packaging;
using Microsoft.Extensions.DependencyInjection;

namespace GovernedCrm.Server.Tests.Architecture;

/// <summary>The order of the steps that docs/architecture.md documents is the order the real server runs them in.</summary>
public sealed partial class PipelineOrderDocumentationTests
{
    [Fact]
    public async Task TheDocumentedStepOrder_IsTheServersPipeline()
    {
        await using var server = await HttpTestServer.StartAsync();

        var registered = server.App.Services.GetRequiredService<GovernancePipeline>().Steps.Select(s => s.Name).ToList();

        registered.Should().Equal(DocumentedOrder(), "docs/architecture.md lists the pipeline's steps in the order they run");
        registered.Should().Equal(DefaultGovernancePipeline.StepOrder, "the order is declared once, in Governance");
    }

    private static List<string> DocumentedOrder()
    {
        var text = File.ReadAllText(RepositoryRoot.File("docs", "architecture.md"));
        var start = text.IndexOf("<!-- pipeline-order", StringComparison.Ordinal);
        var end = text.IndexOf("<!-- /pipeline-order -->", StringComparison.Ordinal);
        start.Should().BeGreaterThan(0, "docs/architecture.md marks its list of steps");
        var steps = StepLine().Matches(text[start..end]).Select(m => m.Groups[1].Value).ToList();
        steps.Should().NotBeEmpty();
        return steps;
    }

    [GeneratedRegex(@"^\d+\. `([a-z-]+)`", RegexOptions.Multiline)]
    private static partial Regex StepLine();
}
