using System.Numerics;

namespace GovernedCrm.Governance.Policy.Evaluation;

/// <summary>The declared roles as bits, so "does the caller hold one of the rule's roles" is one AND.</summary>
internal sealed class RoleCatalog
{
    private readonly Dictionary<string, int> _bits = new(StringComparer.Ordinal);
    private readonly string[] _names;

    /// <summary>Creates the catalog (at most 64 roles; the reader enforces it).</summary>
    /// <param name="roles">The declared roles, in file order.</param>
    public RoleCatalog(IReadOnlyList<string> roles)
    {
        _names = [.. roles];
        for (var i = 0; i < _names.Length; i++)
        {
            _bits[_names[i]] = i;
        }
    }

    /// <summary>The mask of every declared role: what a rule without roles matches.</summary>
    public static ulong Any => ulong.MaxValue;

    /// <summary>The mask of the declared roles among <paramref name="roles"/>; undeclared ones are ignored.</summary>
    public ulong MaskOf(IReadOnlyList<string> roles)
    {
        var mask = 0UL;
        for (var i = 0; i < roles.Count; i++)
        {
            if (_bits.TryGetValue(roles[i], out var bit))
            {
                mask |= 1UL << bit;
            }
        }

        return mask;
    }

    /// <summary>The role names of a mask, in declaration order.</summary>
    public IReadOnlyList<string> NamesOf(ulong mask)
    {
        var names = new List<string>(BitOperations.PopCount(mask));
        for (var i = 0; i < _names.Length; i++)
        {
            if ((mask & (1UL << i)) != 0)
            {
                names.Add(_names[i]);
            }
        }

        return names;
    }
}
