// Runs the session in the browser page (page.html): config in the URL fragment, the outcome in window.__result.
import { runSession, type SessionRun } from "./session.mjs";

declare global {
  interface Window {
    __result?: SessionRun;
  }
}

const config = JSON.parse(decodeURIComponent(location.hash.slice(1))) as { api: string; token: string };
window.__result = await runSession(config.api, config.token);
