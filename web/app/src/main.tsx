import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { applyTheme } from "./lib/theme";
import "./styles/app.css";

applyTheme();
createRoot(document.getElementById("app")!).render(<StrictMode><App /></StrictMode>);
