namespace GovernedCrm.Crm.Remote;

/// <summary>
/// One value for each object type a remote connector serves (a property map, an API path segment, an sObject name);
/// any other type is <c>crm.unknown_object_type</c>.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="contact">The contact's value.</param>
/// <param name="company">The company's value.</param>
/// <param name="deal">The deal's value.</param>
internal sealed class PerObjectType<T>(T contact, T company, T deal)
{
    public T this[CrmObjectType type] => type switch
    {
        CrmObjectType.Contact => contact,
        CrmObjectType.Company => company,
        CrmObjectType.Deal => deal,
        _ => throw new CrmException(CrmErrorCodes.UnknownObjectType, $"Unknown object type '{type}'."),
    };
}
