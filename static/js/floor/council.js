// The council's page: its open commitments (cam kết), soonest due first, until reported on.
import { dueDate } from "./live.js";
import * as PH from "../app.js";

const box = document.querySelector("[data-council-commitments]");

async function load() {
  const { api, t } = PH;
  const list = box.querySelector("[data-commitment-list]");
  let rows = [];
  try {
    rows = await api("GET", `/api/councils/${box.dataset.councilCommitments}/commitments`);
  } catch (error) {
    list.replaceChildren(Object.assign(document.createElement("li"), { textContent: error.message }));
    return;
  }
  list.replaceChildren(
    ...rows.map((c) => {
      const li = document.createElement("li");
      const due = c.due_on ? ` (${t("floor_due", { date: dueDate(c.due_on) })})` : "";
      li.textContent = `${c.made_by || ""}: ${c.text}${due} — ${c.meeting_title}`;
      return li;
    }),
  );
  if (!rows.length) list.append(Object.assign(document.createElement("li"), { textContent: t("floor_no_commitments") }));
}

if (box) load();
