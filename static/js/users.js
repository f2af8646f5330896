// The admin's account page: one account by hand, or a whole roster with printable generated passwords.
import { api, t, toast, confirm } from "./app.js";


function cell(text, tag) {
  const node = document.createElement(tag || "td");
  node.textContent = text == null ? "" : String(text);
  return node;
}

function addUserRow(user) {
  const body = document.querySelector("#users-table tbody");
  const row = document.createElement("tr");
  row.dataset.userId = user.id;
  const code = document.createElement("code");
  code.textContent = user.username;
  const usernameCell = cell("");
  usernameCell.append(code);
  row.append(cell(user.full_name), usernameCell, cell(user.position), cell(user.unit), cell(""));
  body.prepend(row);
  row.classList.add("arrived");
  document.getElementById("user-count").textContent = body.children.length;
}

function showError(form, message) {
  const box = form.querySelector(".form-error");
  box.textContent = message || "";
  box.hidden = !message;
}

const createForm = document.getElementById("create-user");
createForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const submit = createForm.querySelector('[type="submit"]');
  showError(createForm, "");
  submit.disabled = true;
  const payload = {
    username: createForm.elements.username.value.trim(),
    full_name: createForm.elements.full_name.value.trim(),
    password: createForm.elements.password.value,
  };
  try {
    const created = await api("POST", "/api/users", payload);
    addUserRow({ id: created.id, username: created.username || payload.username, full_name: payload.full_name });
    toast(t("user_created", { username: payload.username }));
    createForm.reset();
    createForm.elements.full_name.focus();
  } catch (error) {
    showError(createForm, error.message);
  } finally {
    submit.disabled = false;
  }
});

const importForm = document.getElementById("import-roster");
const result = document.getElementById("import-result");

function showReport(report) {
  const created = report.created || [];
  const problems = report.problems || [];
  const createdBody = result.querySelector(".created-table tbody");
  createdBody.replaceChildren(...created.map((entry) => {
    const row = document.createElement("tr");
    const password = cell(entry.password || t("password_given"));
    password.className = entry.password ? "password" : "muted";
    const username = cell("");
    const code = document.createElement("code");
    code.textContent = entry.username;
    username.append(code);
    row.append(cell(entry.line), cell(entry.full_name), username, password);
    return row;
  }));
  result.querySelector(".created-count").textContent = created.length;
  result.querySelector(".created-block").hidden = !created.length;
  document.getElementById("print-created").hidden = !created.length;

  const list = result.querySelector(".problems");
  list.replaceChildren(...problems.map((problem) => {
    const item = document.createElement("li");
    const where = document.createElement("strong");
    where.textContent = t("line", { line: problem.line });
    item.append(where, document.createTextNode(" — " + problem.message));
    return item;
  }));
  result.querySelector(".problem-count").textContent = problems.length;
  result.querySelector(".problems-block").hidden = !problems.length;
  result.hidden = false;
  created.forEach((entry) => addUserRow(entry));
  result.scrollIntoView({ behavior: "smooth", block: "start" });
}

importForm.addEventListener("change", async (event) => {
  const input = event.target;
  if (!input.files || !input.files.length) return;
  const progress = importForm.querySelector(".import-progress");
  showError(importForm, "");
  progress.hidden = false;
  const body = new FormData();
  body.append("file", input.files[0], input.files[0].name);
  try {
    showReport(await api("POST", "/api/users/import", body));
  } catch (error) {
    showError(importForm, error.message);
  } finally {
    progress.hidden = true;
    input.value = "";
  }
});

document.getElementById("print-created").addEventListener("click", () => window.print());

// Disable/enable an account and allow it to convene: one PATCH each, the row shows the result.
const table = document.getElementById("users-table");
function showAccount(row, user) {
  row.classList.toggle("disabled-account", !user.is_active);
  const nameCell = row.cells[0];
  let badge = nameCell.querySelector(".account-state");
  if (!user.is_active && !badge) {
    badge = document.createElement("span");
    badge.className = "badge draft account-state";
    badge.textContent = t("disabled");
    nameCell.append(" ", badge);
  } else if (user.is_active && badge) {
    badge.remove();
  }
  const button = row.querySelector('button[data-field="is_active"]');
  if (button) {
    button.dataset.value = String(!user.is_active);
    button.textContent = user.is_active ? t("disable") : t("enable");
    button.classList.toggle("primary", !user.is_active);
  }
  const box = row.querySelector('input[data-field="can_convene"]');
  if (box) box.checked = user.can_convene;
}
async function change(row, changes, control) {
  control.disabled = true;
  try {
    const user = await api("PATCH", `/api/users/${row.dataset.userId}`, changes);
    showAccount(row, user);
    toast(t("account_changed", { username: user.username }));
  } catch (error) {
    toast(error.message);
    const box = row.querySelector('input[data-field="can_convene"]');
    if (control === box) box.checked = !box.checked;
  } finally {
    control.disabled = false;
  }
}
table.addEventListener("click", async (event) => {
  const button = event.target.closest('button[data-field="is_active"]');
  if (!button) return;
  const row = button.closest("tr");
  const enable = button.dataset.value === "true";
  const username = row.querySelector("code").textContent;
  if (!enable && !(await confirm(t("disable_confirm", { username }), t("disable"), true))) return;
  change(row, { is_active: enable }, button);
});
// Too many failed logins: an admin lets the delegate try again at once (audited).
table.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-unlock-login]");
  if (!button) return;
  button.disabled = true;
  try {
    const user = await api("POST", `/api/users/${button.closest("tr").dataset.userId}/unlock`);
    toast(t("login_unlocked", { username: user.username }));
  } catch (error) {
    toast(error.message);
  } finally {
    button.disabled = false;
  }
});
table.addEventListener("change", (event) => {
  const box = event.target.closest('input[data-field="can_convene"]');
  if (box) change(box.closest("tr"), { can_convene: box.checked }, box);
});
