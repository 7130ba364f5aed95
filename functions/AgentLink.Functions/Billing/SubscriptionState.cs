using System.Data;
using Stripe;

namespace AgentLink.Functions.Billing;

/// <summary>
/// Stores a Stripe subscription's state on its workspace, newest wins: each state carries the time it
/// was true at Stripe (the event's creation, or when it was fetched), and an older one never replaces
/// a newer one. So webhooks may arrive in any order, late or twice, and the row still converges.
/// </summary>
public static class SubscriptionState
{
    // Which workspace: the metadata Checkout put on the subscription, else a row that already knows
    // the subscription or its customer.
    private const string FindSql = """
        select workspace_id from workspace_subscriptions where subscription_id = @subscriptionId
        union all
        select workspace_id from workspace_subscriptions where customer_id = @customerId and @customerId is not null
        limit 1
        """;

    private const string UpsertSql = """
        insert into workspace_subscriptions as s
            (workspace_id, customer_id, subscription_id, plan, status, price_id, current_period_end, trial_end, cancel_at_period_end, state_at)
        select @workspaceId, @customerId, @subscriptionId, @plan, @status, @priceId, @periodEnd, @trialEnd, @cancelAtPeriodEnd, @stateAt
        where exists (select 1 from workspaces where id = @workspaceId)
        on conflict (workspace_id) do update set
            customer_id = coalesce(excluded.customer_id, s.customer_id), subscription_id = excluded.subscription_id,
            plan = excluded.plan, status = excluded.status, price_id = excluded.price_id,
            current_period_end = excluded.current_period_end, trial_end = excluded.trial_end,
            cancel_at_period_end = excluded.cancel_at_period_end, state_at = excluded.state_at, updated_at = now()
        where s.state_at is null or s.state_at < excluded.state_at or (@force and s.state_at <= excluded.state_at)
        returning true
        """;

    private const string StateAtSql = "select state_at from workspace_subscriptions where workspace_id = @workspaceId";

    private const string CustomerSql = """
        insert into workspace_subscriptions as s (workspace_id, customer_id, subscription_id)
        select @workspaceId, @customerId, @subscriptionId where exists (select 1 from workspaces where id = @workspaceId)
        on conflict (workspace_id) do update set customer_id = coalesce(excluded.customer_id, s.customer_id),
            subscription_id = coalesce(excluded.subscription_id, s.subscription_id), updated_at = now()
        """;

    public enum Outcome { Applied, Older, Tie, UnknownWorkspace }

    /// <summary>The workspace the last <see cref="ApplyAsync"/> wrote to (for its stream event).</summary>
    public sealed record Result(Outcome Outcome, Guid? WorkspaceId)
    {
        public override string ToString() => Outcome.ToString();
    }

    /// <summary>The workspace a subscription belongs to, or null when nothing links it to one.</summary>
    public static async Task<Guid?> WorkspaceOfAsync(IDbConnection conn, IDbTransaction tx, Subscription sub, CancellationToken ct)
    {
        if (sub.Metadata is { } m && m.TryGetValue("workspace_id", out var w) && Guid.TryParse(w, out var id)) return id;
        return await conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(FindSql, new { subscriptionId = sub.Id, customerId = sub.CustomerId }, ct, tx));
    }

    /// <summary>Records the customer and subscription a finished Checkout made for the workspace.</summary>
    public static Task LinkAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, string? customerId, string? subscriptionId, CancellationToken ct) =>
        conn.ExecuteAsync(Cmd.For(CustomerSql, new { workspaceId, customerId, subscriptionId }, ct, tx));

    /// <summary>
    /// Applies the subscription as it was at <paramref name="stateAt"/>. <paramref name="force"/> lets a state
    /// of the same second replace the stored one (a fetched state breaks a tie between two events).
    /// </summary>
    public static async Task<Result> ApplyAsync(IDbConnection conn, IDbTransaction tx, Subscription sub, DateTime stateAt, bool force, CancellationToken ct)
    {
        if (await WorkspaceOfAsync(conn, tx, sub, ct) is not { } workspaceId) return new(Outcome.UnknownWorkspace, null);
        var item = sub.Items?.Data?.FirstOrDefault();
        var paying = sub.Status is "active" or "trialing" or "past_due" or "unpaid";
        var applied = await conn.QuerySingleOrDefaultAsync<bool?>(Cmd.For(UpsertSql, new
        {
            workspaceId, customerId = sub.CustomerId, subscriptionId = sub.Id, plan = paying ? "pro" : "free", status = sub.Status,
            priceId = item?.Price?.Id, periodEnd = Utc(item?.CurrentPeriodEnd), trialEnd = Utc(sub.TrialEnd),
            cancelAtPeriodEnd = sub.CancelAtPeriodEnd, stateAt = DateTime.SpecifyKind(stateAt, DateTimeKind.Utc), force,
        }, ct, tx));
        if (applied == true) return new(Outcome.Applied, workspaceId);
        var stored = await conn.QuerySingleOrDefaultAsync<DateTime?>(Cmd.For(StateAtSql, new { workspaceId }, ct, tx));
        return new(stored is null ? Outcome.UnknownWorkspace : stored.Value == DateTime.SpecifyKind(stateAt, DateTimeKind.Utc) ? Outcome.Tie : Outcome.Older, workspaceId);
    }

    private static DateTime? Utc(DateTime? t) => t is { } v && v > DateTime.UnixEpoch ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;
}
