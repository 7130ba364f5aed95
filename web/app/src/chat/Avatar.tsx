import { initials } from "../lib/text";

/** Initials on a colour derived from the id, so a person keeps their colour everywhere. */
export function Avatar({ id, name, size = "md" }: { id: string; name: string; size?: "sm" | "md" }) {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return <span className={`avatar avatar-${size} hue-${Math.abs(hash) % 8}`} aria-hidden="true">{initials(name)}</span>;
}
