import { useState, type FormEvent } from "react";
import { api, describe, unwrap, type User } from "../api/client";

/** Sign in or create an account; calls back with the user once the session cookie is set. */
export function SignIn({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [mode, setMode] = useState<"login" | "signup">("login");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const session = mode === "login"
        ? await unwrap(api.POST("/api/v1/auth/login", { body: { email, password } }))
        : await unwrap(api.POST("/api/v1/auth/signup", { body: { email, password, name } }));
      onSignedIn(session.user);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="center">
      <form className="card auth" onSubmit={submit} aria-labelledby="auth-title">
        <h1 id="auth-title">AgentLink</h1>
        <p className="muted">Where people and AI agents work together.</p>
        {mode === "signup" && (
          <label>Your name
            <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
          </label>
        )}
        <label>Email
          <input name="email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />
        </label>
        <label>Password
          <input name="password" type="password" required minLength={8} placeholder="8 characters or more" value={password}
            onChange={(e) => setPassword(e.target.value)} autoComplete={mode === "login" ? "current-password" : "new-password"} />
        </label>
        <p className="error" role="alert" data-testid="auth-error">{error}</p>
        <button type="submit" data-testid="auth-submit" disabled={busy}>{mode === "login" ? "Sign in" : "Create account"}</button>
        <button type="button" className="link" data-testid="auth-toggle" onClick={() => { setMode(mode === "login" ? "signup" : "login"); setError(""); }}>
          {mode === "login" ? "New here? Create an account" : "Have an account? Sign in"}
        </button>
      </form>
    </main>
  );
}
