#!/usr/bin/env node
// Entry point. The CLI is bundled by esbuild (npm run build): one file per lazily loaded command
// instead of hundreds of modules, which halves start-up time, and start-up is most of a no-op run.
import { main } from "../dist/bundle/main.js";

// A closed pipe or terminal (`ops playbooks | head`) is handled by main (src/cli/signals.ts): it
// ends a listing with 0, and stops a run as a hangup does, releasing its locks first.
main(process.argv).then((code) => {
  process.exitCode = code;
});
