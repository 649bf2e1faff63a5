// Lint rules: typescript-eslint's recommended type-aware set, plus the project's own
// boundaries (no process.exit outside the CLI, SSH only inside the transport).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "test/lab/.cache/",
      "test/lab/.state/",
      "coverage/",
      "src/schema/*.generated.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        URL: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  {
    files: ["src/**/*.ts", "playbooks/**/*.ts"],
    ignores: ["src/cli/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "Only src/cli decides how the process ends." },
      ],
    },
  },
  {
    files: ["src/**/*.ts", "playbooks/**/*.ts"],
    ignores: ["src/transport/**"],
    rules: {
      "no-restricted-imports": ["error", { paths: ["node-ssh", "ssh2"] }],
    },
  },
);
