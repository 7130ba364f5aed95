// Light, dark, or the system's choice; remembered in this browser.
export type Theme = "system" | "light" | "dark";
const KEY = "agentlink:theme";

export function savedTheme(): Theme {
  const t = localStorage.getItem(KEY);
  return t === "light" || t === "dark" ? t : "system";
}

export function applyTheme(theme: Theme = savedTheme(), remember = false): void {
  if (theme === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  if (remember) { if (theme === "system") localStorage.removeItem(KEY); else localStorage.setItem(KEY, theme); }
}
