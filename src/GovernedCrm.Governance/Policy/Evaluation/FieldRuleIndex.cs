using System.Collections.Concurrent;
using System.Collections.Frozen;
using GovernedCrm.Governance.Policy.Definition;

namespace GovernedCrm.Governance.Policy.Evaluation;

/// <summary>
/// Answers "which fields may these roles not read or write on this object type", cached per (roles, object
/// type). Object types no fields rule names share one cache entry, so arbitrary object type strings cannot
/// grow the cache.
/// </summary>
internal sealed class FieldRuleIndex
{
    private const int MaxEntries = 4096;
    private const string UnnamedObject = "";

    private readonly IReadOnlyList<FieldRuleDefinition> _rules;
    private readonly ulong[] _masks;
    private readonly string[]?[] _objects;
    private readonly ConcurrentDictionary<(ulong Roles, string Object), FieldAccess> _cache = new();

    /// <summary>Indexes the fields rules.</summary>
    /// <param name="rules">The fields rules, in file order.</param>
    /// <param name="roles">The declared roles.</param>
    public FieldRuleIndex(IReadOnlyList<FieldRuleDefinition> rules, RoleCatalog roles)
    {
        _rules = rules;
        _masks = [.. rules.Select(r => r.Roles is null ? RoleCatalog.Any : roles.MaskOf(r.Roles))];
        _objects = [.. rules.Select(r => r.Objects is null ? null : r.Objects.ToArray())];
        EveryDenyRead = rules.SelectMany(r => r.DenyRead).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Every property any fields rule denies reading, whatever the roles or object type: what a caller the policy does not know may not read.</summary>
    public FrozenSet<string> EveryDenyRead { get; }

    /// <summary>The fields rules, in file order.</summary>
    public IReadOnlyList<FieldRuleDefinition> Rules => _rules;

    /// <summary>Whether fields rule <paramref name="index"/> applies to the roles and object type.</summary>
    public bool Applies(int index, ulong callerRoles, string? objectType) =>
        (_masks[index] & callerRoles) != 0 && ObjectTypes.Match(_objects[index], objectType);

    /// <summary>The field restrictions for a caller's roles and a call's object type.</summary>
    public FieldAccess For(ulong callerRoles, string? objectType)
    {
        if (_rules.Count == 0)
        {
            return FieldAccess.None;
        }

        var key = (callerRoles, CanonicalObject(objectType));
        if (_cache.TryGetValue(key, out var access))
        {
            return access;
        }

        access = Build(callerRoles, key.Item2.Length == 0 ? null : key.Item2);
        return _cache.Count < MaxEntries ? _cache.GetOrAdd(key, access) : access;
    }

    // The spelling used by a fields rule for this object type, or "" when none names it.
    private string CanonicalObject(string? objectType)
    {
        if (objectType is null)
        {
            return UnnamedObject;
        }

        foreach (var objects in _objects)
        {
            foreach (var name in objects ?? [])
            {
                if (string.Equals(name, objectType, StringComparison.OrdinalIgnoreCase))
                {
                    return name;
                }
            }
        }

        return UnnamedObject;
    }

    private FieldAccess Build(ulong callerRoles, string? objectType)
    {
        var read = new HashSet<string>(StringComparer.Ordinal);
        var write = new List<KeyValuePair<string, string>>();
        var written = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _rules.Count; i++)
        {
            if (!Applies(i, callerRoles, objectType))
            {
                continue;
            }

            read.UnionWith(_rules[i].DenyRead);
            foreach (var property in _rules[i].DenyWrite)
            {
                if (written.Add(property))
                {
                    write.Add(new KeyValuePair<string, string>(property, _rules[i].Id));
                }
            }
        }

        return read.Count == 0 && write.Count == 0 ? FieldAccess.None : new FieldAccess(read.ToFrozenSet(StringComparer.Ordinal), [.. write]);
    }
}
