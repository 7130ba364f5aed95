import type { components } from "../../api/schema";

export type Run = components["schemas"]["AuditRunView"];
export type Criterion = Run["criteria"][number];
export type Evidence = Run["evidence"][number];

export const BAND_LABEL: Record<string, string> = { healthy: "Healthy", warning: "Warning", critical: "Critical", unaudited: "Unaudited" };

export const JUDGE_LABEL: Record<string, string> = { person: "a person", llm: "an LLM", agent: "an auditor agent" };

export const WINDOW_LABEL: Record<string, string> = { "24h": "last 24 hours", "7d": "last 7 days", "30d": "last 30 days", custom: "custom" };

export const signed = (n: number | null | undefined) => (n === null || n === undefined ? "" : `${n > 0 ? "+" : n < 0 ? "−" : "±"}${Math.abs(n).toFixed(1)}`);
