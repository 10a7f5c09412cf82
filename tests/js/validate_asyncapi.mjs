// Validate an AsyncAPI document with @asyncapi/parser (the spec's own parser and its Spectral rules).
// Usage: node validate_asyncapi.mjs <file.json>
// Prints one JSON object: {"valid", "version", "errors": [...], "warnings": [...], "messages": [names],
// "operations": [{"id", "action", "messages": [names], "reply": [names]}]}; exits 1 when it is invalid.
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const path = process.argv[2];
if (!path) {
  console.error("usage: node validate_asyncapi.mjs <file.json>");
  process.exit(2);
}
const text = await readFile(path, "utf8");
const parser = new Parser();
const { document, diagnostics } = await parser.parse(text);
const describe = (d) => ({ code: d.code, message: d.message, path: d.path.join(".") });
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map(describe);
const warnings = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning).map(describe);
const out = { valid: Boolean(document) && errors.length === 0, errors, warnings, messages: [], operations: [] };
if (document) {
  out.version = document.version();
  out.messages = document.allMessages().all().map((m) => m.name());
  out.operations = document.allOperations().all().map((op) => ({
    id: op.id(),
    action: op.action(),
    messages: op.messages().all().map((m) => m.name()),
    reply: op.reply() ? op.reply().messages().all().map((m) => m.name()) : [],
  }));
}
console.log(JSON.stringify(out));
process.exit(out.valid ? 0 : 1);
