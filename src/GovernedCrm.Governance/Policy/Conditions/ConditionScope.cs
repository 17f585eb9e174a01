namespace GovernedCrm.Governance.Policy.Conditions;

/// <summary>
/// What a condition can see of one call: its arguments, the properties its write sets and the targeted record
/// as it is now. Looks the properties argument up once, however many conditions read it.
/// </summary>
internal struct ConditionScope
{
    private readonly GovernedCall _call;
    private JsonElement _properties;
    private bool _propertiesResolved;

    /// <summary>Creates the scope of one call.</summary>
    /// <param name="call">The call.</param>
    public ConditionScope(GovernedCall call)
    {
        _call = call;
    }

    /// <summary>The value of an argument, null when absent.</summary>
    public readonly ConditionValue Argument(string name) =>
        _call.Arguments.TryGetValue(name, out var value) ? ConditionValue.FromJson(value) : ConditionValue.Null;

    /// <summary>The targeted record's value now, null when there is no current record or it lacks the property.</summary>
    public readonly ConditionValue Current(string property) =>
        _call.Current is { } record && record.Values.TryGetValue(property, out var value) ? ConditionValue.FromJson(value) : ConditionValue.Null;

    /// <summary>Whether the write's properties argument sets <paramref name="property"/>, and to what.</summary>
    public bool TryGetProposed(string property, out ConditionValue value)
    {
        if (!_propertiesResolved)
        {
            _propertiesResolved = true;
            if (_call.Arguments.TryGetValue(_call.Tool.PropertiesArgument, out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                _properties = properties;
            }
        }

        if (_properties.ValueKind == JsonValueKind.Object && _properties.TryGetProperty(property, out var element))
        {
            value = ConditionValue.FromJson(element);
            return true;
        }

        value = ConditionValue.Null;
        return false;
    }

    /// <summary>The value the write sets, null when it does not set it.</summary>
    public ConditionValue Proposed(string property) => TryGetProposed(property, out var value) ? value : ConditionValue.Null;

    /// <summary>The value after the write: the proposed value when the write sets it, else the current one.</summary>
    public ConditionValue After(string property) => TryGetProposed(property, out var value) ? value : Current(property);

    /// <summary>True when the write sets <paramref name="property"/> to a value different from the current one.</summary>
    public bool Changed(string property) =>
        TryGetProposed(property, out var proposed) && !ConditionValue.AreEqual(proposed, Current(property));
}
