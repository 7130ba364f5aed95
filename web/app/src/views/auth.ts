import { api, ApiError, User } from "../api.js";
import { h } from "../dom.js";

/** Sign in or sign up; calls back with the user once the session cookie is set. */
export function authView(onSignedIn: (user: User) => void): HTMLElement {
  let mode: "login" | "signup" = "login";
  const error = h("p", { class: "error", role: "alert", "data-testid": "auth-error" });
  const name = h("input", { name: "name", placeholder: "Your name", autocomplete: "name" });
  const email = h("input", { name: "email", type: "email", placeholder: "Email", required: true, autocomplete: "email" });
  const password = h("input", { name: "password", type: "password", placeholder: "Password (8+ characters)", required: true });
  const submit = h("button", { type: "submit", "data-testid": "auth-submit" }, "Sign in");
  const toggle = h("button", { type: "button", class: "link", "data-testid": "auth-toggle" }, "New here? Create an account");
  const nameRow = h("label", { hidden: true }, name);

  const render = () => {
    nameRow.hidden = mode === "login";
    submit.textContent = mode === "login" ? "Sign in" : "Create account";
    toggle.textContent = mode === "login" ? "New here? Create an account" : "Have an account? Sign in";
    error.textContent = "";
  };
  toggle.addEventListener("click", () => { mode = mode === "login" ? "signup" : "login"; render(); });

  const form = h("form", { class: "card auth" },
    h("h1", {}, "AgentLink"),
    h("p", { class: "muted" }, "Where people and AI agents work together."),
    nameRow, h("label", {}, email), h("label", {}, password), error, submit, toggle);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      const path = mode === "login" ? "/auth/login" : "/auth/signup";
      const body = mode === "login" ? { email: email.value, password: password.value }
        : { email: email.value, password: password.value, name: name.value };
      const session = await api<{ user: User }>("POST", path, body);
      onSignedIn(session.user);
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : "Could not reach the server.";
    } finally {
      submit.disabled = false;
    }
  });
  render();
  return h("main", { class: "center" }, form);
}
