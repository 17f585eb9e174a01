using System.Text.Json.Nodes;

namespace GovernedCrm.Testing.CrmDoubles;

/// <summary>
/// The in-memory records of a double, by object type. One lock guards everything (the doubles are for tests).
/// Every change moves updatedAt forward by at least a millisecond, so a version taken from it always changes.
/// </summary>
public sealed class DoubleRecordStore(TimeProvider time, Func<string, long, string> newId)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, DoubleRecord>> _byType = new(StringComparer.Ordinal);
    private long _next;

    public DoubleRecord Add(string type, JsonObject fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        lock (_gate)
        {
            var record = new DoubleRecord(newId(type, ++_next), Now(null));
            foreach (var (name, value) in fields)
            {
                record.Fields[name] = value?.DeepClone();
            }

            Table(type)[record.Id] = record;
            return record;
        }
    }

    public DoubleRecord? Find(string type, string id)
    {
        lock (_gate)
        {
            return Table(type).GetValueOrDefault(id);
        }
    }

    public DoubleRecord? Update(string type, string id, JsonObject fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        lock (_gate)
        {
            if (Table(type).GetValueOrDefault(id) is not { } record)
            {
                return null;
            }

            foreach (var (name, value) in fields)
            {
                record.Fields[name] = value?.DeepClone();
            }

            record.UpdatedAt = Now(record.UpdatedAt);
            return record;
        }
    }

    public IReadOnlyList<DoubleRecord> All(string type)
    {
        lock (_gate)
        {
            return [.. Table(type).Values];
        }
    }

    /// <summary>Runs <paramref name="action"/> under the store's lock (read-modify-write of one answer).</summary>
    public T Locked<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (_gate)
        {
            return action();
        }
    }

    private SortedDictionary<string, DoubleRecord> Table(string type)
    {
        if (!_byType.TryGetValue(type, out var table))
        {
            table = new SortedDictionary<string, DoubleRecord>(StringComparer.Ordinal);
            _byType[type] = table;
        }

        return table;
    }

    private DateTimeOffset Now(DateTimeOffset? previous)
    {
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        return previous is { } p && now <= p ? p.AddMilliseconds(1) : now;
    }
}
