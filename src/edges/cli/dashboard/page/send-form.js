import { api, h, replace } from "./dom.js";

/**
 * The send form: one field per top-level property of the event's JSON Schema (text, number,
 * select for enums and booleans, JSON for anything nested), or the whole payload as JSON, with the
 * event's description, owner, deprecation and examples beside it. The page does not validate: it
 * sends through POST /trigger, and shows the server's 422 with every failing path.
 */
export function createSendForm({ events, onSent }) {
  const form = document.getElementById("send-form");
  const select = document.getElementById("send-name");
  const fields = document.getElementById("send-fields");
  const rawToggle = document.getElementById("send-raw");
  const rawText = document.getElementById("send-json");
  const issuesList = document.getElementById("send-issues");
  const result = document.getElementById("send-result");
  const meta = document.getElementById("send-meta");
  const entries = new Map(events.map((entry) => [entry.name, entry]));
  const schemas = new Map(events.map((entry) => [entry.name, entry.schema]));
  select.append(...events.map((entry) => h("option", {}, entry.name)));

  const schema = () => schemas.get(select.value) ?? null;
  const hasFields = (s) => s !== null && s.type === "object" && s.properties !== undefined;

  function build() {
    const current = schema();
    const required = new Set(current?.required ?? []);
    const canUseFields = hasFields(current);
    rawToggle.disabled = !canUseFields;
    if (!canUseFields) rawToggle.checked = true;
    replace(
      fields,
      canUseFields
        ? Object.entries(current.properties).map(([key, property]) => field(key, property, required.has(key)))
        : [],
    );
    fields.hidden = rawToggle.checked;
    rawText.hidden = !rawToggle.checked;
    showIssues([]);
  }

  // another event: nothing of the last one's form stays (its JSON, the toggle, its result)
  function switchEvent() {
    rawToggle.checked = false;
    rawText.value = "";
    result.hidden = true;
    result.textContent = "";
    build();
    describe();
  }

  function describe() {
    const entry = entries.get(select.value) ?? {};
    const examples = Array.isArray(entry.examples) ? entry.examples : [];
    replace(
      meta,
      entry.deprecated !== undefined &&
        entry.deprecated !== false &&
        h(
          "p",
          { class: "deprecated" },
          "Deprecated",
          typeof entry.deprecated === "string" ? `: ${entry.deprecated}` : "",
        ),
      typeof entry.description === "string" && h("p", { class: "description" }, entry.description),
      typeof entry.owner === "string" && h("p", { class: "owner" }, `Owner: ${entry.owner}`),
      examples.map((example, i) =>
        h(
          "button",
          { type: "button", class: "example", onclick: () => fill(example) },
          examples.length === 1 ? "Fill with the example" : `Fill with example ${i + 1}`,
        ),
      ),
    );
  }

  // into the fields when the example is an object they can hold, else into the JSON box
  function fill(example) {
    const inputs = [...fields.querySelectorAll("[name]")];
    const names = new Set(inputs.map((input) => input.name));
    const fits =
      !rawToggle.disabled &&
      typeof example === "object" &&
      example !== null &&
      !Array.isArray(example) &&
      Object.keys(example).every((key) => names.has(key));
    if (!fits) {
      rawToggle.checked = true;
      build();
      rawText.value = JSON.stringify(example, null, 2);
      return;
    }
    rawToggle.checked = false;
    build();
    for (const input of fields.querySelectorAll("[name]")) {
      const value = Object.hasOwn(example, input.name) ? example[input.name] : undefined;
      if (value === undefined) input.value = "";
      else if (input.dataset.kind === "string" && typeof value === "string") input.value = value;
      else if (input.dataset.kind === "number" && typeof value === "number") input.value = String(value);
      else input.value = JSON.stringify(value);
    }
  }

  function field(key, property, required) {
    const label = [key, required ? h("abbr", { title: "required" }, " *") : ""];
    const fallback = property.default === undefined ? "" : property.default;
    let input;
    if (Array.isArray(property.enum) || property.type === "boolean") {
      const options = property.type === "boolean" ? [true, false] : property.enum;
      input = h(
        "select",
        { name: key, "data-kind": "json" },
        h("option", { value: "" }, required ? "choose…" : "(leave out)"),
        options.map((option) =>
          h("option", { value: JSON.stringify(option), selected: equal(option, fallback) }, String(option)),
        ),
      );
    } else if (property.type === "string") {
      input = h("input", { name: key, type: "text", "data-kind": "string", value: fallback });
    } else if (property.type === "number" || property.type === "integer") {
      input = h("input", {
        name: key,
        type: "number",
        step: property.type === "integer" ? "1" : "any",
        "data-kind": "number",
        value: fallback,
      });
    } else {
      input = h(
        "textarea",
        { name: key, rows: "2", "data-kind": "json", spellcheck: "false", placeholder: "JSON" },
        fallback === "" ? "" : JSON.stringify(fallback),
      );
    }
    return h("label", { class: "field" }, label, input);
  }

  // what the fields or the JSON box say, plus the problems reading them (bad JSON)
  function read() {
    if (!rawToggle.checked) return readFields();
    const text = rawText.value.trim();
    if (text === "") return { payload: undefined, issues: [] };
    try {
      return { payload: JSON.parse(text), issues: [] };
    } catch (error) {
      return { payload: undefined, issues: [{ path: [], message: `Not JSON: ${error.message}` }] };
    }
  }

  function readFields() {
    const payload = {};
    const issues = [];
    for (const input of fields.querySelectorAll("[name]")) {
      const text = input.value.trim();
      // an empty field is left out (the schema says whether it may be); a string keeps its spaces
      if (input.value === "" || (text === "" && input.dataset.kind !== "string")) continue;
      if (input.dataset.kind === "string") payload[input.name] = input.value;
      else if (input.dataset.kind === "number") payload[input.name] = Number(text);
      else {
        try {
          payload[input.name] = JSON.parse(text);
        } catch {
          issues.push({ path: [input.name], message: "Not JSON" });
        }
      }
    }
    return { payload, issues };
  }

  function showIssues(issues) {
    issuesList.hidden = issues.length === 0;
    replace(
      issuesList,
      issues.map((issue) => h("li", {}, issue.path.length ? `${issue.path.join(".")}: ` : "", issue.message)),
    );
    for (const input of fields.querySelectorAll("[name]")) {
      const bad = issues.some((issue) => issue.path[0] === input.name);
      if (bad) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }

  function say(kind, text) {
    result.hidden = false;
    result.className = `note ${kind}`;
    result.textContent = text;
  }

  async function submit(event) {
    event.preventDefault();
    const { payload, issues } = read();
    showIssues(issues);
    if (issues.length > 0) return say("error", "Not sent: fix the fields above.");
    try {
      const body = JSON.stringify(payload === undefined ? { event: select.value } : { event: select.value, payload });
      const sent = await api("/trigger", { method: "POST", headers: { "content-type": "application/json" }, body });
      say("ok", `Sent ${sent.result.name}: ${sent.result.id}`);
      onSent(sent.result.id);
    } catch (error) {
      showIssues(error.body?.issues ?? []);
      say("error", `Not sent: ${error.body?.code ?? "ERROR"}: ${error.message}`);
    }
  }

  select.addEventListener("change", switchEvent);
  rawToggle.addEventListener("change", () => {
    if (rawToggle.checked && !rawText.value.trim()) rawText.value = JSON.stringify(readFields().payload, null, 2);
    build();
  });
  form.addEventListener("submit", (event) => void submit(event));
  switchEvent();
}

function equal(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
