using GovernedCrm.Governance.Pipeline;
using GovernedCrm.Governance.Policy.Conditions;
using GovernedCrm.Governance.Tools;
using static GovernedCrm.Governance.Tests.Policy.PolicyTestCalls;

namespace GovernedCrm.Governance.Tests.Policy;

public sealed class ConditionTests
{
    private static readonly CurrentRecord Deal = Record("default", """{"amount": 60000, "dealstage": "contractsent", "owner": "ravi", "name": "Acme", "email": "a@example.com", "textamount": "70000", "nothing": null, "tags": ["x"]}""");

    [Theory]
    [InlineData("", 1, "the condition is empty")]
    [InlineData("   ", 1, "the condition is empty")]
    [InlineData("current.amount >", 17, "expected current.<prop>")]
    [InlineData("current.amount = 5", 16, "'=' is not an operator: use '==' to compare")]
    [InlineData("current.amount > 5 && args.x == 1", 20, "'&' is not an operator: use 'and'")]
    [InlineData("current.amount > 5 || args.x == 1", 20, "'|' is not an operator: use 'or'")]
    [InlineData("!changed(email)", 1, "'!' is not an operator")]
    [InlineData("current amount > 5", 9, "expected '.' after current")]
    [InlineData("current. > 5", 10, "expected a property name after 'current.'")]
    [InlineData("record.amount > 5", 1, "unknown name 'record'")]
    [InlineData("after.amount > 'abc", 16, "unterminated string: add the closing ' quote")]
    [InlineData("changed email", 9, "expected '(' after changed")]
    [InlineData("changed(email", 14, "expected ')' to close changed(...)")]
    [InlineData("args.stage in 'a'", 15, "expected '[' to start the list")]
    [InlineData("args.stage in ['a' 'b']", 20, "expected ',' or ']' in the list")]
    [InlineData("args.stage in [args.x]", 16, "expected a literal")]
    [InlineData("(current.amount > 5", 20, "expected ')' to close the '(' at position 1")]
    [InlineData("current.amount > 5 args.x", 20, "expected 'and', 'or' or the end of the condition")]
    [InlineData("current.amount > 1.x", 20, "expected a digit after the decimal point")]
    [InlineData("current.amount > 12abc", 18, "'12a' is not a number")]
    [InlineData("current.amount > 5 # comment", 20, "unexpected character '#'")]
    public void TryParse_SyntaxError_ReportsPositionAndMessage(string text, int position, string message)
    {
        Condition.TryParse(text, out var condition, out var error).Should().BeFalse();

        condition.Should().BeNull();
        error!.Position.Should().Be(position);
        error.Message.Should().Contain(message);
    }

    [Fact]
    public void TryParse_DeepNesting_IsRejected()
    {
        var text = new string('(', 40) + "true" + new string(')', 40);

        Condition.TryParse(text, out _, out var error).Should().BeFalse();

        error!.Message.Should().Contain("nests more than 32 levels");
    }

    [Theory]
    [InlineData("current.amount > 50000", true)]
    [InlineData("current.amount >= 60000", true)]
    [InlineData("current.amount < 60000", false)]
    [InlineData("current.amount <= 60000.0", true)]
    [InlineData("current.amount == 60000", true)]
    [InlineData("current.amount != 60000", false)]
    [InlineData("current.amount > -1", true)]
    public void Evaluate_Numbers_CompareNumerically(string text, bool expected) => Eval(text).Should().Be(expected);

    [Theory]
    [InlineData("current.textamount > 50000", true)]
    [InlineData("current.textamount == 70000", true)]
    [InlineData("current.amount == '60000'", true)]
    [InlineData("current.amount < '100000'", true)]
    [InlineData("current.amount > '1e3'", true)]
    [InlineData("current.amount == 'sixty'", false)]
    [InlineData("current.amount > 'sixty'", false)]
    [InlineData("current.amount < 'sixty'", false)]
    public void Evaluate_NumericStringAgainstNumber_ComparesAsNumber(string text, bool expected) => Eval(text).Should().Be(expected);

    [Theory]
    [InlineData("current.textamount > '9'", false)]
    [InlineData("current.name == 'Acme'", true)]
    [InlineData("current.name == 'acme'", false)]
    [InlineData("current.name > 'Ab'", true)]
    [InlineData("current.name < 'a'", true)]
    [InlineData("current.dealstage in ['closedwon', 'contractsent']", true)]
    [InlineData("current.dealstage in ['closedwon']", false)]
    [InlineData("current.amount in [1, 60000]", true)]
    [InlineData("current.amount in ['60000']", true)]
    public void Evaluate_Strings_CompareOrdinally(string text, bool expected) => Eval(text).Should().Be(expected);

    [Theory]
    [InlineData("current.missing == null", true)]
    [InlineData("current.nothing == null", true)]
    [InlineData("current.missing != null", false)]
    [InlineData("current.amount == null", false)]
    [InlineData("current.amount != null", true)]
    [InlineData("current.missing > 5", false)]
    [InlineData("current.missing < 5", false)]
    [InlineData("current.missing <= 5", false)]
    [InlineData("current.missing >= null", false)]
    [InlineData("current.missing == 0", false)]
    [InlineData("current.missing == ''", false)]
    [InlineData("not current.missing > 5", true)]
    [InlineData("current.missing in [null]", true)]
    public void Evaluate_Null_OnlyEqualsNull_AndNeverOrders(string text, bool expected) => Eval(text).Should().Be(expected);

    [Theory]
    [InlineData("args.force == true", true)]
    [InlineData("args.force > false", false)]
    [InlineData("args.force == 'true'", false)]
    [InlineData("args.force == 1", false)]
    [InlineData("current.tags == current.tags", false)]
    [InlineData("current.tags != null", true)]
    [InlineData("current.name > 5", false)]
    [InlineData("args.force", true)]
    [InlineData("current.amount", false)]
    [InlineData("not current.amount", true)]
    public void Evaluate_MismatchedTypes_AreNeverEqualOrOrdered(string text, bool expected) => Eval(text).Should().Be(expected);

    [Theory]
    [InlineData("current.amount > 1 and args.force == true", true)]
    [InlineData("current.amount > 1 and args.force == false", false)]
    [InlineData("current.amount < 1 or args.force == true", true)]
    [InlineData("not (current.amount < 1 or args.force == true)", false)]
    [InlineData("not current.amount < 1 and true", true)]
    [InlineData("false or true and false", false)]
    [InlineData("(false or true) and true", true)]
    [InlineData("CURRENT.amount > 1 AND Args.force == TRUE Or NOT false", true)]
    [InlineData("Changed(dealstage)", true)]
    public void Evaluate_Logic_PrecedenceAndCaseInsensitiveKeywords(string text, bool expected) => Eval(text).Should().Be(expected);

    [Theory]
    [InlineData("proposed.amount == 70000", true)]
    [InlineData("proposed.dealstage == 'closedwon'", true)]
    [InlineData("proposed.name == null", true)]
    [InlineData("after.amount == 70000", true)]
    [InlineData("after.owner == 'ravi'", true)]
    [InlineData("after.email == null", true)]
    [InlineData("current.email == 'a@example.com'", true)]
    [InlineData("changed(amount)", true)]
    [InlineData("changed(dealstage)", true)]
    [InlineData("changed(owner)", false)]
    [InlineData("changed(name)", false)]
    [InlineData("changed(email)", true)]
    [InlineData("changed(textamount)", false)]
    [InlineData("args.limit >= 20", true)]
    [InlineData("args.missing == null", true)]
    public void Evaluate_ProposedAfterChangedArgs_ReadTheWrite(string text, bool expected)
    {
        var call = Call(UpdateRecord, Local("ravi"), """
            {"objectType": "deal", "recordId": "1", "limit": 20, "force": true,
             "properties": {"amount": 70000, "dealstage": "closedwon", "owner": "ravi", "email": null, "textamount": 70000}}
            """, Deal);

        Parse(text).IsTrue(call).Should().Be(expected);
    }

    [Fact]
    public void Evaluate_NoCurrentRecord_CurrentIsNullAndChangedMeansSetToAValue()
    {
        var call = Call(CreateContact, Local("ravi"), """{"properties": {"email": "new@example.com", "phone": null}}""");

        Parse("current.email == null").IsTrue(call).Should().BeTrue();
        Parse("changed(email)").IsTrue(call).Should().BeTrue();
        Parse("changed(phone)").IsTrue(call).Should().BeFalse();
        Parse("after.email == 'new@example.com'").IsTrue(call).Should().BeTrue();
    }

    [Fact]
    public void Evaluate_PropertiesArgumentNotAnObject_ProposedIsNull()
    {
        var call = Call(UpdateRecord, Local("ravi"), """{"properties": "amount=5"}""", Deal);

        Parse("proposed.amount == null").IsTrue(call).Should().BeTrue();
        Parse("after.amount == 60000").IsTrue(call).Should().BeTrue();
        Parse("changed(amount)").IsTrue(call).Should().BeFalse();
    }

    [Fact]
    public void Evaluate_CustomPropertiesArgument_IsRead()
    {
        var tool = new GovernedToolDescriptor("CRM.Patch", GovernedAction.Update, "deal", null, "recordId", "crm") { PropertiesArgument = "changes" };
        var call = Call(tool, Local("ravi"), """{"changes": {"amount": 1}}""", Deal);

        Parse("proposed.amount == 1").IsTrue(call).Should().BeTrue();
    }

    [Fact]
    public void Evaluate_StringsWithQuotesAndEscapes_AreLiteral()
    {
        var call = Call(UpdateRecord, Local("ravi"), """{"note": "it's \"here\""}""");

        Parse("args.note == 'it\\'s \"here\"'").IsTrue(call).Should().BeTrue();
        Parse("args.note == \"it's \\\"here\\\"\"").IsTrue(call).Should().BeTrue();
    }

    private static bool Eval(string text) =>
        Parse(text).IsTrue(Call(UpdateRecord, Local("ravi"), """{"objectType": "deal", "recordId": "1", "force": true, "properties": {"dealstage": "closedwon"}}""", Deal));

    private static Condition Parse(string text)
    {
        Condition.TryParse(text, out var condition, out var error).Should().BeTrue(error?.Message);
        return condition!;
    }
}
