// ESLint (flat config) for the explorers' JavaScript. ESLint and its two
// helper packages live in a cache folder outside the package (ESLINT_HOME,
// default .cache/eslint), installed from the npm registry:
//   npm install --prefix .cache/eslint eslint@9.39.1 @eslint/js@9.39.1 globals@16.5.0
//   .cache/eslint/node_modules/.bin/eslint --config d2l/explorers/eslint.config.mjs d2l/explorers
import { createRequire } from "node:module";
import path from "node:path";

const home = path.resolve(process.env.ESLINT_HOME || ".cache/eslint");
const require = createRequire(path.join(home, "package.json"));
const js = require("@eslint/js");
const globals = require("globals");

export default [
  js.configs.recommended,
  {
    files: ["**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.browser },
    rules: {
      eqeqeq: "error",
      "no-var": "error",
      "prefer-const": "error",
      "no-shadow": ["error", { allow: ["_"] }],
      "max-len": ["error", { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true }],
    },
  },
  { files: ["**/*.mjs"], languageOptions: { globals: globals.node } },
  {
    // Inlined into a classic script by Python, before the module's code.
    files: ["**/_static.js"],
    languageOptions: { sourceType: "script" },
  },
];
