// A view's "Download CSV" and "Download Excel" links, written on demand (gloact_lib/views/download_buttons.py).
// A click asks the kernel for the file; the kernel answers with its name and its bytes (a binary buffer of the
// widget message, not base64 in the page), which become a Blob the browser saves.  Nothing is fetched from a
// network and no file sits in the page until it is asked for.  Every text is set with textContent.

const KINDS = ["csv", "xlsx"];
const TYPES = {
  csv: "text/csv;charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

function save(name, kind, buffer) {
  const blob = new Blob([buffer], { type: TYPES[kind] });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.style.display = "none";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function render({ model, el }) {
  const group = document.createElement("div");
  group.className = "gloact-downloads";
  group.setAttribute("role", "group");
  const links = {};
  for (const kind of KINDS) {
    const link = document.createElement("a");
    link.className = "gloact-download";
    link.href = "#";
    link.dataset.kind = kind;
    const arrow = document.createElement("span");
    arrow.setAttribute("aria-hidden", "true");
    arrow.textContent = "\u2193";
    const label = document.createElement("span");
    label.className = "gloact-download-label";
    link.append(arrow, " ", label);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      if (!model.get("ready") || link.getAttribute("aria-busy") === "true") return;
      link.setAttribute("aria-busy", "true");
      model.send({ ask: kind });
    });
    links[kind] = link;
    group.appendChild(link);
  }
  const problem = document.createElement("span");
  problem.className = "gloact-download-problem";
  problem.setAttribute("role", "status");
  group.appendChild(problem);
  el.appendChild(group);

  function update() {
    const words = model.get("words") || {};
    group.setAttribute("aria-label", words.group || "");
    for (const kind of KINDS) {
      links[kind].querySelector(".gloact-download-label").textContent = words[kind] || "";
      links[kind].title = words[kind] || "";
    }
    group.hidden = !model.get("ready");
    problem.textContent = "";
  }
  function answered(msg, buffers) {
    if (!msg || !KINDS.includes(msg.kind)) return;
    links[msg.kind].removeAttribute("aria-busy");
    if (msg.file && buffers && buffers.length) {
      problem.textContent = "";
      save(String(msg.file), msg.kind, buffers[0]);
    } else {
      problem.textContent = String(msg.problem || "");
    }
  }
  update();
  model.on("change:words", update);
  model.on("change:ready", update);
  model.on("msg:custom", answered);
  return () => {
    model.off("change:words", update);
    model.off("change:ready", update);
    model.off("msg:custom", answered);
  };
}

export default { render };
