-- Cloud billing through Stripe: one subscription per workspace, as Stripe last told us. Absent (or
-- billing off in configuration) means no subscription; the license then follows the trial.
create table workspace_subscriptions (
    workspace_id         uuid primary key references workspaces (id) on delete cascade,
    customer_id          text,
    subscription_id      text unique,
    plan                 text not null default 'free' check (plan in ('free', 'pro')),
    -- Stripe's subscription status: trialing, active, past_due, canceled, unpaid, incomplete, incomplete_expired, paused.
    status               text,
    price_id             text,
    current_period_end   timestamptz,
    trial_end            timestamptz,
    cancel_at_period_end boolean not null default false,
    -- When the state stored here was true at Stripe (the event's creation time, or the time it was fetched):
    -- an older state never overwrites a newer one, whatever order the webhooks arrive in.
    state_at             timestamptz,
    updated_at           timestamptz not null default now()
);
create index workspace_subscriptions_customer on workspace_subscriptions (customer_id);

-- Every Stripe event id handled, once: a replayed delivery changes nothing.
create table stripe_events (
    id          text primary key,
    type        text not null,
    received_at timestamptz not null default now()
);
