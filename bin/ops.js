#!/usr/bin/env node
// Entry point: the compiled CLI (npm run build) keeps start-up fast; nothing else lives here.
import { main } from "../dist/src/cli/main.js";

main(process.argv).then((code) => {
  process.exitCode = code;
});
