import type { ReactNode } from "react";
import type { AuditView } from "../../lib/routes";
import { AgentAudits } from "./AgentAudits";
import { AuditRunPage, CompareRuns } from "./AuditRunPage";
import { Overview } from "./Overview";

/** The audit pages: every agent's score card, one agent's audits, a run, or two runs side by side. */
export function AuditsPane({ view, header }: { view: AuditView; header: ReactNode }) {
  return (
    <main className="channel" aria-label="Audits">
      {header}
      <section className="audits" data-testid="audits">
        {view.page === "overview" ? <Overview />
          : view.page === "agent" ? <AgentAudits key={view.agentUserId} agentUserId={view.agentUserId} />
          : view.page === "run" ? <AuditRunPage key={view.runId} runId={view.runId} />
          : <CompareRuns key={`${view.runId}-${view.otherId}`} runId={view.runId} otherId={view.otherId} />}
      </section>
    </main>
  );
}
