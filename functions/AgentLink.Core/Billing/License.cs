using System.Data;
using AgentLink.Core.Data;
using AgentLink.Core.Options;
using Dapper;

namespace AgentLink.Core.Billing;

/// <summary>
/// What a workspace may do, from its subscription: <c>active</c> (a Stripe subscription that is
/// active or trialing), <c>trialing</c> (no such subscription, within the trial from the workspace's
/// creation), <c>paused</c> (neither). While paused, agent work (claiming and connecting agents,
/// dispatching tasks and skills, audits) is refused with <c>license_paused</c>; reading and human
/// chat stay open. With billing off every workspace is active.
/// </summary>
public static class License
{
    public const string Active = "active";
    public const string Trialing = "trialing";
    public const string Paused = "paused";

    public sealed record Standing(
        string License, string Plan, string? Status, DateTime TrialEndsAt, DateTime? CurrentPeriodEnd, DateTime? SubscriptionTrialEnd,
        bool CancelAtPeriodEnd, string? CustomerId, string? SubscriptionId, string? PriceId);

    private sealed record Row(DateTime CreatedAt, string? Plan, string? Status, DateTime? CurrentPeriodEnd, DateTime? TrialEnd,
        bool? CancelAtPeriodEnd, string? CustomerId, string? SubscriptionId, string? PriceId);

    private const string ReadSql = """
        select w.created_at, s.plan, s.status, s.current_period_end, s.trial_end, s.cancel_at_period_end, s.customer_id, s.subscription_id, s.price_id
        from workspaces w left join workspace_subscriptions s on s.workspace_id = w.id
        where w.id = @workspaceId
        """;

    public static string Evaluate(bool billingEnabled, string? subscriptionStatus, DateTime trialEndsAt, DateTime now) =>
        !billingEnabled || subscriptionStatus is "active" or "trialing" ? Active
        : now < trialEndsAt ? Trialing
        : Paused;

    /// <summary>The workspace's standing, or null when there is no such workspace.</summary>
    public static async Task<Standing?> ReadAsync(IDbConnection conn, Guid workspaceId, BillingOptions billing, DateTime now, CancellationToken ct, IDbTransaction? tx = null)
    {
        var row = await conn.QuerySingleOrDefaultAsync<Row>(Cmd.For(ReadSql, new { workspaceId }, ct, tx));
        if (row is null) return null;
        var trialEnds = DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc).AddDays(billing.TrialDays);
        return new Standing(Evaluate(billing.Enabled, row.Status, trialEnds, now), row.Plan ?? "free", row.Status, trialEnds,
            row.CurrentPeriodEnd, row.TrialEnd, row.CancelAtPeriodEnd ?? false, row.CustomerId, row.SubscriptionId, row.PriceId);
    }

    /// <summary>True when billing is on and the workspace is paused (false for a workspace that does not exist).</summary>
    public static async Task<bool> IsPausedAsync(IDbConnection conn, Guid workspaceId, BillingOptions billing, CancellationToken ct, IDbTransaction? tx = null) =>
        billing.Enabled && (await ReadAsync(conn, workspaceId, billing, DateTime.UtcNow, ct, tx))?.License == Paused;

    /// <summary>
    /// A SQL condition, true when the workspace whose id is the expression <paramref name="workspaceIdSql"/> is
    /// paused, for queries that skip paused workspaces in bulk (timers). Takes the parameter @trialDays; with
    /// billing off, callers leave it out.
    /// </summary>
    public static string PausedSql(string workspaceIdSql) => $"""
        exists (select 1 from workspaces lw left join workspace_subscriptions ls on ls.workspace_id = lw.id
                where lw.id = {workspaceIdSql} and coalesce(ls.status, '') not in ('active', 'trialing')
                  and lw.created_at + make_interval(days => @trialDays) <= now())
        """;

    public const string PausedDetail = "This workspace's trial has ended and it has no active subscription, so agent work is paused; reading and chat stay open. An owner can subscribe on the billing page.";

    /// <summary>Where an owner subscribes: the page's billing route for the workspace.</summary>
    public static string BillingPath(Guid workspaceId) => $"/w/{workspaceId}/billing";
}
