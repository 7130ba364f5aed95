import { useEffect, useState, type FormEvent } from "react";
import { api, describe, unwrap, type User } from "../api/client";
import { applyTheme, savedTheme, type Theme } from "../lib/theme";
import { Dialog } from "./Dialog";

type Session = { id: string; createdAt: string; expiresAt: string; current: boolean };

/** Appearance, notifications, password and signed-in devices. */
export function SettingsDialog({ me, onClose, onProfile }: { me: User; onClose: () => void; onProfile: (user: User) => void }) {
  const [name, setName] = useState(me.name);
  const [theme, setTheme] = useState<Theme>(savedTheme());
  const [permission, setPermission] = useState(typeof Notification === "undefined" ? "unsupported" : Notification.permission);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [sessions, setSessions] = useState<Session[]>([]);
  const [message, setMessage] = useState("");
  const [error, setError] = useState("");

  const loadSessions = () => unwrap(api.GET("/api/v1/auth/sessions")).then(setSessions, (e) => setError(describe(e)));
  useEffect(() => { void loadSessions(); }, []);

  function pick(t: Theme) { setTheme(t); applyTheme(t, true); }

  async function changePassword(e: FormEvent) {
    e.preventDefault();
    setError(""); setMessage("");
    try {
      await unwrap(api.POST("/api/v1/auth/password", { body: { currentPassword: current, newPassword: next } }));
      setCurrent(""); setNext(""); setMessage("Password changed. Your other sessions were signed out.");
      await loadSessions();
    } catch (err) { setError(describe(err)); }
  }

  async function endSession(id: string) {
    try { await unwrap(api.DELETE("/api/v1/auth/sessions/{sessionId}", { params: { path: { sessionId: id } } })); await loadSessions(); }
    catch (err) { setError(describe(err)); }
  }

  async function saveProfile(e: FormEvent) {
    e.preventDefault();
    setError(""); setMessage("");
    try { onProfile(await unwrap(api.PATCH("/api/v1/me", { body: { name } }))); setMessage("Name saved."); }
    catch (err) { setError(describe(err)); }
  }

  return (
    <Dialog title="Settings" onClose={onClose} testId="settings">
      <form onSubmit={saveProfile}>
        <fieldset>
          <legend>Profile</legend>
          <label>Your name<input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required autoComplete="name" data-testid="profile-name" /></label>
          <div className="row end"><button type="submit" data-testid="profile-save" disabled={name.trim() === me.name}>Save name</button></div>
        </fieldset>
      </form>
      <fieldset>
        <legend>Theme</legend>
        <div className="row">
          {(["system", "light", "dark"] as const).map((t) => (
            <label key={t} className="check"><input type="radio" name="theme" checked={theme === t} onChange={() => pick(t)} data-testid={`theme-${t}`} />{t[0].toUpperCase() + t.slice(1)}</label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Notifications</legend>
        {permission === "granted" ? <p className="muted">Desktop notifications are on for mentions and direct messages while this tab is in the background.</p>
          : permission === "denied" ? <p className="muted">Desktop notifications are blocked in this browser's site settings.</p>
          : permission === "unsupported" ? <p className="muted">This browser has no desktop notifications.</p>
          : <button type="button" onClick={async () => setPermission(await Notification.requestPermission())} data-testid="notifications-enable">Turn on desktop notifications</button>}
      </fieldset>
      <form onSubmit={changePassword}>
        <fieldset>
          <legend>Password</legend>
          <label>Current password<input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required /></label>
          <label>New password<input type="password" autoComplete="new-password" minLength={8} value={next} onChange={(e) => setNext(e.target.value)} required /></label>
          <div className="row end"><button type="submit" data-testid="password-change">Change password</button></div>
        </fieldset>
      </form>
      <fieldset>
        <legend>Signed in</legend>
        <ul className="plain" data-testid="sessions">
          {sessions.map((s) => (
            <li key={s.id} className="row">
              <span className="grow">Since {new Date(s.createdAt).toLocaleString()}{s.current ? " (this browser)" : ""}</span>
              {!s.current && <button type="button" className="secondary" onClick={() => endSession(s.id)}>Sign out</button>}
            </li>
          ))}
        </ul>
      </fieldset>
      <p className="muted" aria-live="polite">{message}</p>
      <p className="error" role="alert">{error}</p>
    </Dialog>
  );
}
