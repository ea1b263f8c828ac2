// The editor test: speaks LSP over stdio to yaml-language-server (what VS Code's YAML
// extension runs) with vplan's schemas, as a person editing a table file would meet them.
//
//   node .ci/yaml-ls-test.mjs SERVER_JS SCHEMA_DIR
//
// SERVER_JS is yaml-language-server's `bin/yaml-language-server`, SCHEMA_DIR the directory of
// vplan's `*.schema.json` (content/schemas). The script writes content files with the
// `# yaml-language-server: $schema=...` line vplan writes into a temporary directory laid out
// like a content directory and asks for completions (at the top level and in a row of a table
// file; every block kind at a new item of a chapter's, a section's, an appendix's and a
// perspective's blocks; the keys of a row written as a flow map `{id: r, l…}`; the words of
// every choice of words, without `null`), for hovers (a sample of keys of every kind of file
// must show a description), and for the diagnostics of files with mistakes. It prints what it
// got and exits non-zero when an expectation is not met; it never waits longer than 90 s.

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

const TOTAL_MS = 90_000;
const REQUEST_MS = 20_000;
const failures = [];
const fail = (msg) => {
  failures.push(msg);
  console.log(`FAIL: ${msg}`);
};

// The documents, in a directory laid out like a content directory.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vplan-yaml-ls-"));
for (const folder of ["schemas", "tables", "uppfoljning", "chapters", "appendices"]) {
  fs.mkdirSync(path.join(dir, folder));
}
for (const name of fs.readdirSync(schemaDir)) {
  if (name.endsWith(".schema.json")) {
    fs.copyFileSync(path.join(schemaDir, name), path.join(dir, "schemas", name));
  }
}
const schemas = Object.fromEntries(
  fs
    .readdirSync(path.join(dir, "schemas"))
    .filter((n) => n.endsWith(".schema.json"))
    .map((n) => [n.replace(".schema.json", ""), JSON.parse(fs.readFileSync(path.join(dir, "schemas", n), "utf8"))]),
);
const tableSchema = schemas.table;
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

async function completions(name, text, line, character, folder = "tables") {
  const uri = open(name, text, folder);
  const result = await request("textDocument/completion", {
    textDocument: { uri },
    position: { line, character },
  });
  const items = Array.isArray(result) ? result : (result?.items ?? []);
  return items.map((i) => i.label);
}

/** `text` with the cursor written as `|`: the text without it, and the cursor's position. */
function cursor(text) {
  const at = text.indexOf("|");
  const before = text.slice(0, at).split("\n");
  return {
    text: text.slice(0, at) + text.slice(at + 1),
    line: before.length - 1,
    character: before[before.length - 1].length,
  };
}

/** Where a kind of file lives, and the line that names its schema there. */
const FOLDER = { chapter: "chapters", appendix: "appendices", table: "tables", uppfoljning: "uppfoljning" };
const folderOf = (kind) => FOLDER[kind] ?? ".";
const modeline = (kind) =>
  `# yaml-language-server: $schema=${FOLDER[kind] ? "../" : ""}schemas/${kind}.schema.json`;

let docNo = 0;
/** Completions in a file of `kind` at the `|` of `text` (which follows the modeline). */
async function completeAt(kind, text) {
  const c = cursor(`${modeline(kind)}\n${text}`);
  return completions(`c${++docNo}.yaml`, c.text, c.line, c.character, folderOf(kind));
}

/** The hover's text in a file of `kind` at the `|` of `text`, Markdown escapes removed. */
async function hoverAt(kind, text) {
  const c = cursor(`${modeline(kind)}\n${text}`);
  const uri = open(`h${++docNo}.yaml`, c.text, folderOf(kind));
  const result = await request("textDocument/hover", {
    textDocument: { uri },
    position: { line: c.line, character: c.character },
  });
  const contents = result?.contents;
  const value = typeof contents === "string" ? contents : (contents?.value ?? "");
  return value.replace(/\\(.)/g, "$1");
}

/** The schema of a kind of file at a path of keys (`definitions`, `properties` and so on). */
function schemaAt(kind, ...keys) {
  return keys.reduce((s, k) => s?.[k], schemas[kind]);
}

/** The words of a choice (an `enum` or alternatives that are each a `const`), by $ref. */
function words(kind, s) {
  const ref = s?.$ref ?? s?.allOf?.[0]?.$ref;
  if (ref) return words(kind, schemaAt(kind, ...ref.replace("#/", "").split("/")));
  if (s?.enum) return s.enum.filter((w) => w !== null);
  const alts = s?.oneOf ?? s?.anyOf ?? [];
  if (alts.length && alts.every((a) => "const" in a)) return alts.map((a) => a.const);
  return alts.flatMap((a) => words(kind, a));
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
  const validReport = open(
    "valid-report.yaml",
    [
      ...REPORT.slice(0, 8),
      "  - {id: mal-b, assessment: ~}",
      "assignments:",
      "  - {id: u, status: ~, text: ~}",
      "internal_control:",
      "  - {id: k, result: ~, text: ~}",
      ...REPORT.slice(8, 10),
      "    belopp: ~",
      "    avvikelse: ~",
      ...REPORT.slice(10),
      "      - {id: r, utfall: 8610.5, prognos: ~}",
      "",
    ].join("\n"),
    "uppfoljning",
  );
  const reportDiags = await diagnosticsOf(validReport, () => true, 15_000);
  console.log(`diagnostics of a valid report: ${reportDiags.map((d) => d.message).join("; ") || "none"}`);
  if (reportDiags.length) fail("a valid report file has diagnostics");

  // Every block kind at a new item of a list of blocks: a chapter's, a section's (in a
  // chapter), an appendix's and a perspective's. (yaml-language-server weighs a union's
  // alternatives in order; the schema puts the bare words first, else the kinds before them
  // are not offered.)
  const blockKinds = schemaAt("chapter", "definitions", "Block", "oneOf").map(
    (alt) => alt.const ?? Object.keys(alt.properties)[0],
  );
  if (blockKinds.length < 10) fail(`the chapter schema has only the block kinds ${blockKinds}`);
  const blockLists = [
    ["a new item of a chapter's blocks", "chapter", "id: c\ntitle: C\nblocks:\n  - text: Hej.\n  - |\n"],
    ["the first item of a chapter's blocks", "chapter", "id: c\ntitle: C\nblocks:\n  - |\n"],
    ["a new item of a section's blocks", "chapter", "id: c\ntitle: C\nblocks:\n  - section:\n      id: s\n      title: S\n      blocks:\n        - |\n"],
    ["a new item of an appendix's blocks", "appendix", "id: b\nlabel: Bilaga 1\ntitle: B\nblocks:\n  - |\n"],
    ["a new item of a perspective's blocks", "goals", "perspectives:\n  - id: p\n    title: P\n    blocks:\n      - |\n"],
  ];
  for (const [where, kind, text] of blockLists) {
    expectKeys(`at ${where}`, await completeAt(kind, text), blockKinds);
  }

  // Keys in a row written as a flow map, `- {id: r, l…}`, once the key's first letter is
  // typed. (Right after `, ` yaml-language-server 1.25 offers nothing: it takes a line that
  // holds a `:` for one whose value is being written and proposes no key there
  // (`addPropertyCompletions`, `hasColon`); printed, not required.)
  const rowEnd = await completeAt("table", `${header.slice(1).join("\n")}\n  - {id: r, |}\n`);
  console.log(`completions right after \`, \` in a row's flow map: ${rowEnd.join(", ") || "none"}`);
  expectKeys(
    "after `, l` in a table row's flow map",
    await completeAt("table", `${header.slice(1).join("\n")}\n  - {id: r, l|}\n`),
    rowKeys,
  );
  const reportRowKeys = Object.keys(schemaAt("uppfoljning", "definitions", "RowFollowUp", "properties")).filter(
    (k) => k !== "id",
  );
  expectKeys(
    "after `, u` in a report row's flow map",
    await completeAt("uppfoljning", `${REPORT.slice(1).join("\n")}\n      - {id: r, u|}\n`),
    reportRowKeys,
  );

  // Every choice of words offers its words, and never `null` (a choice left open, `~`, is
  // valid all the same: the valid report below has them).
  const d = (def, key) => ["definitions", def, "properties", key];
  const choices = [
    ["a row's kind", "table", `${header.slice(1).join("\n")}\n  - id: r\n    kind: |\n`, d("Row", "kind")],
    ["a chart's kind", "table", "id: t\nchart:\n  kind: |\n", d("Chart", "kind")],
    ["a goal's kind", "chapter", "id: c\ntitle: C\nblocks:\n  - goal:\n      id: g\n      kind: |\n", d("Goal", "kind")],
    ["a section's style", "chapter", "id: c\ntitle: C\nblocks:\n  - section:\n      id: s\n      style: |\n", d("Section", "style")],
    ["the plan's decision status", "plan", "decision:\n  status: |\n", d("Decision", "status")],
    ["a report's kind", "uppfoljning", "id: r\nkind: |\n", ["properties", "kind"]],
    ["a goal's assessment", "uppfoljning", "goals:\n  - id: g\n    assessment: |\n", d("GoalFollowUp", "assessment")],
    ["an indicator's assessment (flow map)", "uppfoljning", "goals:\n  - id: g\n    indicators:\n      - {id: i, assessment: |}\n", d("IndicatorFollowUp", "assessment")],
    ["an assignment's status", "uppfoljning", "assignments:\n  - id: a\n    status: |\n", d("AssignmentFollowUp", "status")],
    ["a risk's result", "uppfoljning", "internal_control:\n  - id: r\n    result: |\n", d("RiskFollowUp", "result")],
    ["a report table's belopp", "uppfoljning", "tables:\n  - id: t\n    belopp: |\n", d("TableFollowUp", "belopp")],
    ["a report table's avvikelse", "uppfoljning", "tables:\n  - id: t\n    avvikelse: |\n", d("TableFollowUp", "avvikelse")],
  ];
  for (const [what, kind, text, at] of choices) {
    const wanted = words(kind, schemaAt(kind, ...at));
    if (!wanted.length) fail(`the ${kind} schema has no words for ${what}`);
    const got = await completeAt(kind, text);
    expectKeys(`for ${what}`, got, wanted);
    if (got.includes("null")) fail(`completions for ${what} offer null`);
  }

  // Hovers: a sample of keys of every kind of file shows the key's description (or, for a key
  // whose value is a choice of words, the description of that choice, which the server shows
  // with every word and its meaning).
  const hovers = [
    ["plan", "nam|nd: Kulturnämnden\n", ["properties", "namnd"]],
    ["plan", "decision:\n  sta|tus: utkast\n", d("Decision", "status")],
    ["chapter", "ti|tle: Inledning\n", ["properties", "title"]],
    ["chapter", "id: c\nblocks:\n  - te|xt: Hej.\n", ["definitions", "Block", "oneOf", blockKinds.indexOf("text"), "properties", "text"]],
    ["chapter", "id: c\nblocks:\n  - section:\n      ti|tle: S\n", d("Section", "title")],
    ["appendix", "lab|el: Bilaga 1\n", ["properties", "label"]],
    ["goals", "perspectives:\n  - id: p\n    stra|tegies: []\n", d("Perspective", "strategies")],
    ["internkontroll", "areas:\n  - id: a\n    ri|sks: []\n", d("IcArea", "risks")],
    ["table", "un|it: tkr\n", ["properties", "unit"]],
    ["table", "rows:\n  - {id: r, la|bel: R}\n", d("Row", "label")],
    ["tjansteskrivelse", "underskrifter:\n  - ti|tel: Direktör\n", d("Signatory", "titel")],
    ["uppfoljning", "goals:\n  - id: g\n    assess|ment: ~\n", d("GoalFollowUp", "assessment")],
    ["uppfoljning", "goals:\n  - id: g\n    assess|ment: delvis\n", d("GoalFollowUp", "assessment")],
    ["uppfoljning", "ki|nd: delar\n", ["properties", "kind"]],
    ["uppfoljning", "tables:\n  - id: t\n    rows:\n      - {id: r, utf|all: 1}\n", d("RowFollowUp", "utfall")],
  ];
  for (const [kind, text, at] of hovers) {
    const key = /(\w*)\|(\w*)/.exec(text).slice(1).join("");
    const prop = schemaAt(kind, ...at);
    if (!prop?.description) {
      fail(`the ${kind} schema describes no ${key}`);
      continue;
    }
    const ref = prop.$ref ?? [...(prop.allOf ?? []), ...(prop.anyOf ?? [])].find((a) => a.$ref)?.$ref;
    const choice = ref ? schemaAt(kind, ...ref.replace("#/", "").split("/")) : undefined;
    const described = [prop.description, choice?.enum && choice.description]
      .filter(Boolean)
      .map((d) => d.split("\n")[0]);
    const got = await hoverAt(kind, text);
    const shown = got.split("\n").filter((l) => l && !l.startsWith("Source:"));
    console.log(`hover over \`${key}\` in a ${kind} file: ${shown.join(" / ").slice(0, 200)}`);
    if (!described.some((d) => got.includes(d))) {
      fail(`the hover over \`${key}\` in a ${kind} file lacks its description (${described.join(" | ")})`);
    }
  }

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
