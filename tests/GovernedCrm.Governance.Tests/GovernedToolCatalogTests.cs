using GovernedCrm.Governance.Tools;

namespace GovernedCrm.Governance.Tests;

public sealed class GovernedToolCatalogTests
{
    [Fact]
    public void Register_WithoutMetadata_ThrowsActionableError()
    {
        var catalog = new GovernedToolCatalog();

        var act = () => catalog.Register("Sales.Export", "SalesTools.Export", []);

        act.Should().Throw<GovernanceConfigurationException>()
            .WithMessage("*'Sales.Export'*no governance metadata*[GovernedTool(Action = *ObjectType*[UngovernedTool(*");
    }

    [Fact]
    public void Register_Governed_DescribesTool()
    {
        var catalog = new GovernedToolCatalog();

        catalog.Register("CRM.CloseDeal", "DealTools.CloseDeal", [new GovernedToolAttribute { Action = GovernedAction.Update, ObjectType = "deal", RecordIdArgument = "recordId" }]);

        catalog.TryGetGoverned("CRM.CloseDeal", out var descriptor).Should().BeTrue();
        // Member-wise: the descriptor's sets are fresh instances, so record equality would compare references.
        descriptor.Should().BeEquivalentTo(
            new GovernedToolDescriptor("CRM.CloseDeal", GovernedAction.Update, "deal", null, "recordId", "crm"),
            options => options.ComparingByMembers<GovernedToolDescriptor>());
        descriptor.IsWrite.Should().BeTrue();
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("deal", "objectType")]
    public void Register_ObjectTypeNotExactlyOne_Throws(string? objectType, string? argument)
    {
        var catalog = new GovernedToolCatalog();

        var act = () => catalog.Register("T", "X.T", [new GovernedToolAttribute { Action = GovernedAction.Read, ObjectType = objectType, ObjectTypeArgument = argument }]);

        act.Should().Throw<GovernanceConfigurationException>().WithMessage("*exactly one of ObjectType*");
    }

    [Fact]
    public void Register_BothGovernedAndUngoverned_Throws()
    {
        var catalog = new GovernedToolCatalog();

        var act = () => catalog.Register("T", "X.T", [new GovernedToolAttribute { ObjectType = "deal" }, new UngovernedToolAttribute("probe")]);

        act.Should().Throw<GovernanceConfigurationException>().WithMessage("*both*");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Register_UngovernedWithoutReason_Throws(string reason)
    {
        var catalog = new GovernedToolCatalog();

        var act = () => catalog.Register("T", "X.T", [new UngovernedToolAttribute(reason)]);

        act.Should().Throw<GovernanceConfigurationException>().WithMessage("*without a reason*");
    }

    [Fact]
    public void Register_UngovernedWithReason_IsNotGoverned()
    {
        var catalog = new GovernedToolCatalog();

        catalog.Register("Health.Ping", "X.Ping", [new UngovernedToolAttribute("liveness probe, touches no data")]);

        catalog.IsUngoverned("Health.Ping").Should().BeTrue();
        catalog.TryGetGoverned("Health.Ping", out _).Should().BeFalse();
    }
}
