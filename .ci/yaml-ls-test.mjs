// The editor test: speaks LSP over stdio to yaml-language-server (what VS Code's YAML
// extension runs) with vplan's schemas, as a person editing a table file would meet them.
//
//   node .ci/yaml-ls-test.mjs SERVER_JS SCHEMA_DIR
//
// SERVER_JS is yaml-language-server's `bin/yaml-language-server`, SCHEMA_DIR the directory of
// vplan's `*.schema.json` (content/schemas). The script writes table files with the
// `# yaml-language-server: $schema=...` line vplan writes into a temporary directory and asks
// for completions at the top level and in a row, and for the diagnostics of files with
// mistakes. It prints what it got and exits non-zero when an expectation is not met; it never
// waits longer than a minute.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [serverJs, schemaDir] = process.argv.slice(2);
if (!serverJs || !schemaDir) {
  console.error("usage: node .ci/yaml-ls-test.mjs SERVER_JS SCHEMA_DIR");
  process.exit(2);
}

const TOTAL_MS = 60_000;
const REQUEST_MS = 20_000;
const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.log(`FAIL: ${msg}`);
};

// The documents, in a directory laid out like a content directory.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vplan-yaml-ls-"));
fs.mkdirSync(path.join(dir, "schemas"));
fs.mkdirSync(path.join(dir, "tables"));
fs.mkdirSync(path.join(dir, "uppfoljning"));
for (const name of fs.readdirSync(schemaDir)) {
  if (name.endsWith(".schema.json")) {
    fs.copyFileSync(path.join(schemaDir, name), path.join(dir, "schemas", name));
  }
}
const tableSchema = JSON.parse(
  fs.readFileSync(path.join(dir, "schemas", "table.schema.json"), "utf8"),
);
const MODELINE = "# yaml-language-server: $schema=../schemas/table.schema.json";

const server = spawn(process.execPath, [serverJs, "--stdio"], {
  stdio: ["pipe", "pipe", "pipe"],
});
let serverErr = "";
server.stderr.on("data", (d) => (serverErr += d));

const done = (code) => {
  server.kill();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(code);
};
const overall = setTimeout(() => {
  console.log(`FAIL: no result within ${TOTAL_MS / 1000} s`);
  if (serverErr) console.log(`server stderr:\n${serverErr}`);
  done(1);
}, TOTAL_MS);
server.on("exit", (code) => {
  if (!finished) {
    console.log(`FAIL: yaml-language-server exited early (${code})\n${serverErr}`);
    done(1);
  }
});
let finished = false;

// --- LSP framing ---
let nextId = 1;
const pending = new Map();
const diagnostics = new Map(); // uri -> latest diagnostics
const diagWaiters = [];
const telemetry = [];
const settings = {
  yaml: {
    validate: true,
    completion: true,
    hover: true,
    format: { enable: false },
    schemaStore: { enable: false },
    schemas: {},
  },
};

function send(msg) {
  const body = JSON.stringify({ jsonrpc: "2.0", ...msg });
  server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
function request(method, params) {
  const id = nextId++;
  send({ id, method, params });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${method}: no answer within ${REQUEST_MS / 1000} s`)),
      REQUEST_MS,
    );
    pending.set(id, (msg) => {
      clearTimeout(timer);
      msg.error ? reject(new Error(`${method}: ${msg.error.message}`)) : resolve(msg.result);
    });
  });
}
const notify = (method, params) => send({ method, params });

function onMessage(msg) {
  if (msg.id !== undefined && msg.method === undefined) {
    pending.get(msg.id)?.(msg);
    pending.delete(msg.id);
  } else if (msg.id !== undefined) {
    // A request of the server's own.
    let result = null;
    if (msg.method === "workspace/configuration") {
      result = msg.params.items.map((item) =>
        item.section ? item.section.split(".").reduce((o, k) => o?.[k], settings) ?? null : settings,
      );
    }
    send({ id: msg.id, result });
  } else if (msg.method === "telemetry/event") {
    // The server reports its own exceptions (e.g. a schema it cannot handle) this way.
    telemetry.push(JSON.stringify(msg.params));
  } else if (msg.method === "textDocument/publishDiagnostics") {
    diagnostics.set(msg.params.uri, msg.params.diagnostics);
    for (const w of [...diagWaiters]) w();
  }
}

let buffer = Buffer.alloc(0);
server.stdout.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const header = buffer.subarray(0, end).toString();
    const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
    if (buffer.length < end + 4 + length) return;
    const body = buffer.subarray(end + 4, end + 4 + length).toString();
    buffer = buffer.subarray(end + 4 + length);
    onMessage(JSON.parse(body));
  }
});

// --- the documents ---
let version = 0;
function open(name, text, folder = "tables") {
  const file = path.join(dir, folder, name);
  fs.writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  notify("textDocument/didOpen", {
    textDocument: { uri, languageId: "yaml", version: ++version, text },
  });
  return uri;
}

async function completions(name, text, line, character) {
  const uri = open(name, text);
  const result = await request("textDocument/completion", {
    textDocument: { uri },
    position: { line, character },
  });
  const items = Array.isArray(result) ? result : (result?.items ?? []);
  return items.map((i) => i.label);
}

/** Waits until the diagnostics of `uri` satisfy `ok`, or `ms` pass; returns the last ones. */
function diagnosticsOf(uri, ok, ms) {
  return new Promise((resolve) => {
    const check = () => {
      const d = diagnostics.get(uri);
      if (d && ok(d)) {
        finish();
        return true;
      }
      return false;
    };
    const finish = () => {
      clearTimeout(timer);
      diagWaiters.splice(diagWaiters.indexOf(check), 1);
      resolve(diagnostics.get(uri) ?? []);
    };
    const timer = setTimeout(finish, ms);
    diagWaiters.push(check);
    check();
  });
}

function expectKeys(where, got, wanted) {
  console.log(`completions ${where}: ${got.join(", ")}`);
  const missing = wanted.filter((k) => !got.includes(k));
  if (missing.length) fail(`completions ${where} lack ${missing.join(", ")}`);
}

const ROW = "    ";
const header = [
  MODELINE,
  "id: t",
  "unit: tkr",
  "columns:",
  "  - {id: a, title: A, precision: 0}",
  "rows:",
];

async function main() {
  await request("initialize", {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: "content" }],
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
      textDocument: {
        completion: { completionItem: { snippetSupport: true } },
        publishDiagnostics: {},
      },
    },
    initializationOptions: {},
  });
  notify("initialized", {});
  notify("workspace/didChangeConfiguration", { settings });

  // Completions at the top level of an empty table file: every key of a table.
  const topKeys = Object.keys(tableSchema.properties);
  const top = await completions("top.yaml", `${MODELINE}\n\n`, 1, 0);
  expectKeys("at the top level of a table file", top, topKeys);

  // Completions in a row that has its id: every other key of a row.
  const rowDef = tableSchema.definitions?.Row ?? tableSchema.$defs?.Row;
  const rowKeys = Object.keys(rowDef?.properties ?? {}).filter((k) => k !== "id");
  if (!rowKeys.length) fail("the table schema has no Row definition");
  const rowText = [...header, "  - id: r", ROW, ""].join("\n");
  const row = await completions("row.yaml", rowText, header.length + 1, ROW.length);
  expectKeys("in a row", row, rowKeys);

  // Diagnostics of mistakes an editor must underline.
  const cases = [
    {
      name: "unknown-key.yaml",
      what: "an unknown key (`captoin`)",
      text: [...header, "  - {id: r, label: R, values: [1]}", "captoin: Belopp i tkr", ""].join("\n"),
      line: header.length + 1,
    },
    {
      name: "unit-number.yaml",
      what: "a number where text is expected (`unit: 5`)",
      text: [MODELINE, "id: t", "unit: 5", ...header.slice(3), "  - {id: r, label: R, values: [1]}", ""].join("\n"),
      line: 2,
    },
    {
      name: "amount-nan.yaml",
      what: "an amount that is not one (`.nan`)",
      text: [...header, "  - {id: r, label: R, values: [.nan]}", ""].join("\n"),
      line: header.length,
    },
    {
      name: "amount-comma.yaml",
      what: "an amount with a decimal comma (`\"12,4\"`)",
      text: [...header, '  - {id: r, label: R, values: ["12,4"]}', ""].join("\n"),
      line: header.length,
    },
    {
      name: "amount-inf.yaml",
      what: "an amount that is not one (`.inf`)",
      text: [...header, "  - {id: r, label: R, values: [.inf]}", ""].join("\n"),
      line: header.length,
    },
  ];
  // A follow-up report (uppfoljning/*.yaml): its amounts and its words.
  const REPORT = [
    "# yaml-language-server: $schema=../schemas/uppfoljning.schema.json",
    "id: 2031-delar",
    "kind: delar",
    "label: Januari–augusti 2031",
    "period_end: 2031-08-31",
    "decision_date: 2031-09-24",
    "goals:",
    "  - {id: mal-a, assessment: uppfylld}",
    "tables:",
    "  - id: driftbudget",
    "    rows:",
  ];
  cases.push(
    {
      name: "report-comma.yaml",
      folder: "uppfoljning",
      what: "a report's outcome with a decimal comma (`utfall: \"12,4\"`)",
      text: [...REPORT, '      - {id: r, utfall: "12,4"}', ""].join("\n"),
      line: REPORT.length,
    },
    {
      name: "report-assessment.yaml",
      folder: "uppfoljning",
      what: "an assessment that is not one (`assessment: yes`)",
      text: [...REPORT.slice(0, 7), "  - {id: mal-a, assessment: yes}", ...REPORT.slice(8), "      - {id: r, utfall: 1}", ""].join("\n"),
      line: 7,
    },
  );
  const uris = cases.map((c) => [c, open(c.name, c.text, c.folder)]);
  for (const [c, uri] of uris) {
    const got = await diagnosticsOf(uri, (d) => d.some((x) => x.range.start.line === c.line), 15_000);
    const shown = got.map((d) => `line ${d.range.start.line + 1}: ${d.message}`).join("; ") || "none";
    console.log(`diagnostics of ${c.what}: ${shown}`);
    if (!got.some((d) => d.range.start.line === c.line)) {
      fail(`no diagnostic on line ${c.line + 1} for ${c.what}`);
    }
  }

  // A valid table draws none.
  const valid = open("valid.yaml", [...header, "  - {id: r, label: R, values: [2380]}", ""].join("\n"));
  const validDiags = await diagnosticsOf(valid, () => true, 15_000);
  const validShown = validDiags.map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  console.log(`diagnostics of a valid table: ${validShown.join("; ") || "none"}`);
  if (validDiags.length) fail("a valid table file has diagnostics");
  const validReport = open("valid-report.yaml", [...REPORT, "      - {id: r, utfall: 8610.5, prognos: ~}", ""].join("\n"), "uppfoljning");
  const reportDiags = await diagnosticsOf(validReport, () => true, 15_000);
  console.log(`diagnostics of a valid report: ${reportDiags.map((d) => d.message).join("; ") || "none"}`);
  if (reportDiags.length) fail("a valid report file has diagnostics");

  await request("shutdown", null).catch(() => {});
  notify("exit", null);
}

main()
  .catch((e) => fail(e.message))
  .finally(() => {
    finished = true;
    clearTimeout(overall);
    const errors = [serverErr, ...telemetry].filter((t) => /Error|exception/i.test(t));
    if (errors.length) fail(`yaml-language-server reported errors:\n${errors.join("\n")}`);
    console.log(failures.length ? `${failures.length} failed` : "editor test passed");
    done(failures.length ? 1 : 0);
  });
