import { useState, type ReactNode } from "react";
import { api, unwrap, type Billing } from "../api/client";
import { useWorkspace } from "./context";

const STATUS_LABEL: Record<string, string> = {
  active: "Active", trialing: "Trial", past_due: "Payment failed", canceled: "Cancelled", unpaid: "Unpaid",
  incomplete: "Incomplete", incomplete_expired: "Expired", paused: "Paused",
};

const date = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" }) : "—");

/** The billing page: plan, status, trial days left, next invoice; owners upgrade (Stripe Checkout) or manage (Customer Portal). */
export function BillingPane({ billing, header }: { billing: Billing | undefined; header: ReactNode }) {
  const { workspace, report } = useWorkspace();
  const [busy, setBusy] = useState(false);
  const returned = new URLSearchParams(location.search).get("checkout");

  async function go(kind: "checkout" | "portal") {
    setBusy(true);
    try {
      const path = kind === "checkout" ? "/api/v1/workspaces/{workspaceId}/billing/checkout" : "/api/v1/workspaces/{workspaceId}/billing/portal";
      const { url } = await unwrap(api.POST(path, { params: { path: { workspaceId: workspace.id } } }));
      location.assign(url);
    } catch (err) { report(err); setBusy(false); }
  }

  return (
    <main className="channel" aria-label="Billing">
      {header}
      <section className="billing" data-testid="billing">
        {!billing ? <p className="muted">Loading…</p> : !billing.enabled ? (
          <p data-testid="billing-off">This AgentLink is self-hosted: there is no billing, and nothing is ever paused.</p>
        ) : (
          <>
            {returned === "done" && <p className="notice" role="status">Thank you! Your subscription shows here as soon as Stripe confirms it.</p>}
            {returned === "cancelled" && <p className="notice" role="status">Checkout was cancelled; nothing was charged.</p>}
            <dl className="facts">
              <dt>Plan</dt><dd data-testid="billing-plan">{billing.plan === "pro" ? "Pro" : "Free trial"} <span className="muted">({billing.priceLabel})</span></dd>
              <dt>Status</dt><dd data-testid="billing-status">{billing.license === "paused" ? "Paused" : billing.status ? STATUS_LABEL[billing.status] ?? billing.status : "Trial"}</dd>
              {billing.license === "trialing" && <><dt>Trial</dt><dd data-testid="billing-trial">{billing.trialDaysLeft} day{billing.trialDaysLeft === 1 ? "" : "s"} left (ends {date(billing.trialEndsAt)})</dd></>}
              {billing.currentPeriodEnd && <><dt>{billing.cancelAtPeriodEnd ? "Ends on" : "Next invoice"}</dt><dd data-testid="billing-next">{date(billing.currentPeriodEnd)}</dd></>}
            </dl>
            {billing.license === "paused" && <p>Agent work (connecting agents, tasks, skills, audits) is paused until the workspace subscribes. Reading and chat stay open.</p>}
            {billing.canManage ? (
              <div className="row">
                {!(billing.status === "active" || billing.status === "trialing" || billing.status === "past_due") &&
                  <button type="button" disabled={busy} onClick={() => go("checkout")} data-testid="billing-upgrade">Upgrade to Pro: $49 a month</button>}
                {billing.hasCustomer && <button type="button" className="secondary" disabled={busy} onClick={() => go("portal")} data-testid="billing-manage">Manage billing</button>}
              </div>
            ) : <p className="muted">Only the workspace owner can change the plan.</p>}
          </>
        )}
      </section>
    </main>
  );
}

/** For everyone, above every pane: the workspace is paused, or its last payment failed. */
export function BillingBanner({ billing, onOpen }: { billing: Billing | undefined; onOpen?: () => void }) {
  if (!billing?.enabled) return null;
  const paused = billing.license === "paused";
  if (!paused && billing.status !== "past_due") return null;
  return (
    <div className={`banner ${paused ? "danger" : "warning"}`} role="alert" data-testid="billing-banner">
      <span>{paused ? "The trial has ended: agent work is paused until this workspace subscribes." : "The last payment failed: update the card to keep agents working."}</span>
      {onOpen && <button type="button" className="link" onClick={onOpen} data-testid="billing-banner-open">{billing.canManage ? "Open billing" : "See billing"}</button>}
    </div>
  );
}
