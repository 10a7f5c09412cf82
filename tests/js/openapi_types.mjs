// Read a .d.ts written by openapi-typescript and print, for every operation, the TypeScript type of each
// response body: {"<operationId>": {"<status>": {"<media type>": "<type>"}}} as one JSON line.
// A response without a body maps to {}.
//
//   node node_modules/.bin/openapi-typescript http://127.0.0.1:8000/schema/openapi.json -o api.d.ts
//   node openapi_types.mjs api.d.ts
import { readFileSync } from "node:fs";
import ts from "typescript";

const file = process.argv[2];
const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
const nameOf = (node) => node.name.getText(source).replace(/^["']|["']$/g, "");
const member = (type, name) => (type && type.members ? type.members.find((m) => m.name && nameOf(m) === name) : undefined);

const operations = source.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === "operations");
if (!operations) throw new Error(`no "operations" interface in ${file}`);
const result = {};
for (const operation of operations.members) {
  const responses = member(operation.type, "responses");
  const statuses = {};
  for (const response of responses && responses.type.members ? responses.type.members : []) {
    const content = member(response.type, "content");
    const media = {};
    if (content && content.type && ts.isTypeLiteralNode(content.type)) {
      for (const entry of content.type.members) media[nameOf(entry)] = entry.type.getText(source);
    }
    statuses[nameOf(response)] = media;
  }
  result[nameOf(operation)] = statuses;
}
console.log(JSON.stringify(result));
