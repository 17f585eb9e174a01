using GovernedCrm.Governance.Approvals;

namespace GovernedCrm.Store.Tests;

public sealed class SqliteApprovalStoreTests : IDisposable
{
    private readonly TempGovernanceFolder _temp = new();

    [Fact]
    public async Task CreateAsync_EveryField_RoundTrips()
    {
        var store = await _temp.OpenStoreAsync();
        var full = ApprovalRequests.Full();

        await store.CreateAsync(full, CancellationToken.None);
        var read = await (await _temp.OpenStoreAsync()).GetAsync(full.Id, CancellationToken.None);

        read.Should().Be(full);
        read!.RequesterRoles.Should().Be("rep viewer");
        read.RequesterSource.Should().Be("token");
        read.CompletedAt!.Value.Offset.Should().Be(TimeSpan.Zero, "times come back in UTC");
        read.CompletedAt.Should().Be(full.CompletedAt);
    }

    [Fact]
    public async Task CountPendingAsync_CountsPendingNotExpiredPerTenant()
    {
        var store = await _temp.OpenStoreAsync();
        var now = ApprovalRequests.Created.AddHours(1);
        await store.CreateAsync(ApprovalRequests.Pending(), CancellationToken.None);
        await store.CreateAsync(ApprovalRequests.Pending(), CancellationToken.None);
        await store.CreateAsync(ApprovalRequests.Pending("northwind"), CancellationToken.None);
        await store.CreateAsync(ApprovalRequests.Pending("northwind") with { ExpiresAt = now }, CancellationToken.None); // expired at now
        await store.CreateAsync(ApprovalRequests.Pending("acme") with { Status = ApprovalStatus.Approved }, CancellationToken.None);

        var counts = await store.CountPendingAsync(now, CancellationToken.None);

        counts.Should().BeEquivalentTo(new Dictionary<string, long> { ["default"] = 2, ["northwind"] = 1 });
    }

    [Fact]
    public async Task CreateAsync_OptionalFieldsNull_RoundTrips()
    {
        var store = await _temp.OpenStoreAsync();
        var minimal = ApprovalRequests.Pending() with { ObjectType = null, RecordId = null, ApproverRole = null, Route = Governance.Policy.ApprovalRoute.Requester };

        await store.CreateAsync(minimal, CancellationToken.None);

        (await store.GetAsync(minimal.Id, CancellationToken.None)).Should().Be(minimal);
    }

    [Fact]
    public async Task CreateAsync_TimesAsUnixMilliseconds()
    {
        var store = await _temp.OpenStoreAsync();
        var pending = ApprovalRequests.Pending();

        await store.CreateAsync(pending, CancellationToken.None);

        (await _temp.ScalarAsync<long>($"SELECT created_at FROM approvals WHERE id = '{pending.Id}'")).Should().Be(pending.CreatedAt.ToUnixTimeMilliseconds());
        (await _temp.ScalarAsync<string>($"SELECT status FROM approvals WHERE id = '{pending.Id}'")).Should().Be("pending");
    }

    [Fact]
    public async Task CreateAsync_SameIdTwice_Throws()
    {
        var store = await _temp.OpenStoreAsync();
        var pending = ApprovalRequests.Pending();
        await store.CreateAsync(pending, CancellationToken.None);

        var again = () => store.CreateAsync(pending, CancellationToken.None);

        await again.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task GetAsync_Unknown_Null()
    {
        var store = await _temp.OpenStoreAsync();

        (await store.GetAsync("apr_nope", CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task ListAsync_FiltersByTenantAndStatus_NewestFirst_UpToTheLimit()
    {
        var store = await _temp.OpenStoreAsync();
        var oldest = ApprovalRequests.Pending(created: ApprovalRequests.Created);
        var middle = ApprovalRequests.Pending(created: ApprovalRequests.Created.AddMinutes(1));
        var newest = ApprovalRequests.Pending(created: ApprovalRequests.Created.AddMinutes(2));
        var northwind = ApprovalRequests.Pending("northwind", ApprovalRequests.Created.AddMinutes(3));
        foreach (var request in new[] { middle, oldest, northwind, newest })
        {
            await store.CreateAsync(request, CancellationToken.None);
        }

        await store.TryTransitionAsync(ApprovalStatus.Pending, middle with { Status = ApprovalStatus.Rejected, DecidedBy = "maria" }, CancellationToken.None);

        (await Ids(store.ListAsync("default", null, 100, CancellationToken.None))).Should().Equal(newest.Id, middle.Id, oldest.Id);
        (await Ids(store.ListAsync("default", ApprovalStatus.Pending, 100, CancellationToken.None))).Should().Equal(newest.Id, oldest.Id);
        (await Ids(store.ListAsync("default", ApprovalStatus.Rejected, 100, CancellationToken.None))).Should().Equal(middle.Id);
        (await Ids(store.ListAsync("northwind", null, 100, CancellationToken.None))).Should().Equal(northwind.Id);
        (await Ids(store.ListAsync(null, ApprovalStatus.Pending, 100, CancellationToken.None))).Should().Equal(northwind.Id, newest.Id, oldest.Id);
        (await Ids(store.ListAsync(null, null, 2, CancellationToken.None))).Should().Equal(northwind.Id, newest.Id);
        (await Ids(store.ListAsync(null, null, 0, CancellationToken.None))).Should().BeEmpty();
        (await Ids(store.ListAsync("nobody", null, 100, CancellationToken.None))).Should().BeEmpty();
        (await Ids(store.ListAsync(null, null, int.MaxValue, CancellationToken.None))).Should().HaveCount(4);
    }

    [Fact]
    public async Task TryTransitionAsync_FromTheStoredStatus_ChangesTheDecisionColumns()
    {
        var store = await _temp.OpenStoreAsync();
        var pending = ApprovalRequests.Pending();
        await store.CreateAsync(pending, CancellationToken.None);
        var approved = pending with
        {
            Status = ApprovalStatus.Approved,
            DecidedBy = "maria",
            DecidedAt = ApprovalRequests.Created.AddMinutes(1),
            DecisionNote = "fine",
            ApprovedArgumentsJson = """{"properties":{"amount":1}}""",
            BulkId = "bulk_1",
        };

        var won = await store.TryTransitionAsync(ApprovalStatus.Pending, approved, CancellationToken.None);

        won.Should().BeTrue();
        (await store.GetAsync(pending.Id, CancellationToken.None)).Should().Be(approved);
    }

    [Fact]
    public async Task TryTransitionAsync_FromAnotherStatus_FalseAndUnchanged()
    {
        var store = await _temp.OpenStoreAsync();
        var pending = ApprovalRequests.Pending();
        await store.CreateAsync(pending, CancellationToken.None);

        var won = await store.TryTransitionAsync(ApprovalStatus.Approved, pending with { Status = ApprovalStatus.Executing }, CancellationToken.None);
        var missing = await store.TryTransitionAsync(ApprovalStatus.Pending, ApprovalRequests.Pending() with { Status = ApprovalStatus.Approved }, CancellationToken.None);

        won.Should().BeFalse();
        missing.Should().BeFalse();
        (await store.GetAsync(pending.Id, CancellationToken.None)).Should().Be(pending);
    }

    [Fact]
    public async Task TryTransitionAsync_NeverRewritesWhatWasProposed()
    {
        var store = await _temp.OpenStoreAsync();
        var pending = ApprovalRequests.Pending();
        await store.CreateAsync(pending, CancellationToken.None);

        await store.TryTransitionAsync(ApprovalStatus.Pending, pending with
        {
            Status = ApprovalStatus.Approved,
            ArgumentsJson = """{"properties":{"owner":"mallory"}}""",
            Tenant = "northwind",
            Requester = "mallory",
        }, CancellationToken.None);

        var stored = (await store.GetAsync(pending.Id, CancellationToken.None))!;
        stored.Status.Should().Be(ApprovalStatus.Approved);
        stored.ArgumentsJson.Should().Be(pending.ArgumentsJson);
        stored.Tenant.Should().Be("default");
        stored.Requester.Should().Be("ravi");
    }

    [Fact]
    public async Task TryTransitionAsync_EightConcurrentConnections_ExactlyOneWins()
    {
        for (var round = 0; round < 5; round++)
        {
            var pending = ApprovalRequests.Pending();
            await (await _temp.OpenStoreAsync()).CreateAsync(pending, CancellationToken.None);
            var stores = Enumerable.Range(0, 8).Select(_ => new SqliteApprovalStore(new GovernanceDatabase(_temp.DatabasePath))).ToList();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            var attempts = stores.Select((store, i) => Task.Run(async () =>
            {
                await start.Task;
                return (Decider: $"manager{i}", Won: await store.TryTransitionAsync(
                    ApprovalStatus.Pending, pending with { Status = ApprovalStatus.Approved, DecidedBy = $"manager{i}" }, CancellationToken.None));
            })).ToList();
            start.SetResult();
            var results = await Task.WhenAll(attempts);

            results.Count(r => r.Won).Should().Be(1);
            (await stores[0].GetAsync(pending.Id, CancellationToken.None))!.DecidedBy.Should().Be(results.Single(r => r.Won).Decider);
        }
    }

    public void Dispose() => _temp.Dispose();

    private static async Task<IEnumerable<string>> Ids(Task<IReadOnlyList<ApprovalRequest>> list) => (await list).Select(r => r.Id);
}
