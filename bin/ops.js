#!/usr/bin/env node
// Entry point. The CLI is bundled by esbuild (npm run build): one file per lazily loaded command
// instead of hundreds of modules, which halves start-up time, and start-up is most of a no-op run.
import { main } from "../dist/bundle/main.js";

// `ops playbooks | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
