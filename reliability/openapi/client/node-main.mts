// Runs the session in Node: node node-main.mjs <service url> <token>; prints one JSON line.
import { runSession } from "./session.mjs";

const [baseUrl, token] = process.argv.slice(2);
const result = await runSession(baseUrl, token);
process.stdout.write(JSON.stringify(result) + "\n");
