// Councils: an admin adds councils and names officers; officers keep their council's roster.
import { api, t, toast, confirm } from "./app.js";

(function start() {

  function showError(form, message) {
    const box = form.querySelector(".form-error");
    if (!box) return toast(message, "error");
    box.textContent = message || "";
    box.hidden = !message;
  }

  const createForm = document.getElementById("create-council");
  if (createForm) {
    createForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      showError(createForm, "");
      const payload = { name: createForm.elements.name.value.trim(), place: createForm.elements.place.value.trim() };
      try {
        const created = await api("POST", "/api/councils", payload);
        window.location.assign(`/councils/${created.id}`);
      } catch (error) {
        showError(createForm, error.message);
      }
    });
  }

  const root = document.getElementById("council");
  if (!root) return;
  const base = `/api/councils/${root.dataset.councilId}`;
  const rosterList = root.querySelector(".roster-list");

  function rosterRow(person) {
    const name = person.full_name || person.username;
    const row = document.createElement("li");
    row.className = "member-row arrived";
    row.dataset.userId = person.user_id;
    row.dataset.name = name;
    const label = document.createElement("span");
    label.className = "member-name";
    const strong = document.createElement("strong");
    strong.textContent = name;
    const muted = document.createElement("span");
    muted.className = "muted";
    muted.textContent = person.username + (person.position ? ` · ${person.position}` : "");
    label.append(strong, document.createTextNode(" "), muted);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button icon-button danger-outline";
    remove.dataset.action = "remove-member";
    remove.setAttribute("aria-label", `${t("remove")} ${name}`);
    remove.innerHTML = '<span aria-hidden="true">✕</span>';
    row.append(label, remove);
    return row;
  }

  function countRoster() {
    const rows = rosterList.querySelectorAll(".member-row");
    root.querySelector(".roster-count").textContent = rows.length;
    const empty = rosterList.querySelector(".empty-roster");
    if (empty) empty.hidden = rows.length > 0;
  }

  function addToList(person) {
    if (rosterList.querySelector(`[data-user-id="${person.user_id}"]`)) return;
    rosterList.append(rosterRow(person));
    countRoster();
  }

  root.addEventListener("submit", async (event) => {
    const form = event.target.closest("[data-action-form]");
    if (!form) return;
    event.preventDefault();
    showError(form, "");
    const username = form.elements.username.value.trim();
    const submit = form.querySelector('[type="submit"]');
    submit.disabled = true;
    try {
      if (form.dataset.actionForm === "member") {
        addToList(await api("POST", `${base}/members`, { username }));
        toast(t("roster_added", { username }));
      } else if (form.dataset.actionForm === "officer") {
        await api("POST", `${base}/officers`, { username });
        window.location.reload();
        return;
      }
      form.elements.username.value = "";
    } catch (error) {
      showError(form, error.message);
    } finally {
      submit.disabled = false;
    }
  });

  root.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    const row = button.closest(".member-row");
    const name = row.dataset.name || row.querySelector("strong").textContent;
    const officer = button.dataset.action === "remove-officer";
    const question = officer ? t("confirm_remove_officer", { name }) : t("confirm_remove_roster", { name });
    if (!(await confirm(question, t("remove"), true))) return;
    button.disabled = true;
    try {
      await api("DELETE", `${base}/${officer ? "officers" : "members"}/${row.dataset.userId}`);
      row.remove();
      if (!officer) countRoster();
    } catch (error) {
      toast(error.message, "error");
      button.disabled = false;
    }
  });

  const importForm = root.querySelector('[data-action-form="import"]');
  const result = root.querySelector(".import-result");
  importForm.addEventListener("change", async (event) => {
    const input = event.target;
    if (!input.files || !input.files.length) return;
    showError(importForm, "");
    const body = new FormData();
    body.append("file", input.files[0], input.files[0].name);
    try {
      const report = await api("POST", `${base}/members/import`, body);
      const rows = (report.created || []).map((entry) => {
        const row = document.createElement("tr");
        for (const text of [entry.full_name, entry.username, entry.password || t("password_given")]) {
          const cell = document.createElement("td");
          cell.textContent = text || "";
          row.append(cell);
        }
        return row;
      });
      result.querySelector("tbody").replaceChildren(...rows);
      result.querySelector(".problems").replaceChildren(...(report.problems || []).map((problem) => {
        const item = document.createElement("li");
        item.textContent = `${t("line", { line: problem.line })} — ${problem.message}`;
        return item;
      }));
      result.hidden = !rows.length && !(report.problems || []).length;
      [...(report.created || []), ...(report.existing || [])].forEach((entry) =>
        addToList({ user_id: entry.id, username: entry.username, full_name: entry.full_name }));
      toast(t("imported", { n: (report.added || []).length }));
    } catch (error) {
      showError(importForm, error.message);
    } finally {
      input.value = "";
    }
  });
})();
