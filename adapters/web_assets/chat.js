// The web chat. Every text from the bot or a member is written with textContent, never as
// HTML; links are built only for the bot's own /kb/ pages.
"use strict";
(function () {
  const boot = JSON.parse(document.getElementById("bootstrap").textContent);
  const texts = boot.texts;
  let language = boot.language;
  const messages = document.getElementById("messages");
  const input = document.getElementById("input");
  const nameInput = document.getElementById("name");
  const menu = document.getElementById("menu");
  const canStream = typeof ReadableStream !== "undefined" && typeof TextDecoder !== "undefined";
  let busy = false;

  function say(key, values) {
    let text = texts[language][key] || key;
    for (const [name, value] of Object.entries(values || {})) text = text.split("{" + name + "}").join(value);
    return text;
  }

  function translatePage() {
    document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
    document.title = say("title");
    document.getElementById("title").textContent = say("title");
    for (const node of document.querySelectorAll("[data-text]")) node.textContent = say(node.dataset.text);
    for (const node of document.querySelectorAll("[data-placeholder]")) node.placeholder = say(node.dataset.placeholder);
    for (const button of document.querySelectorAll("[data-language]")) {
      button.setAttribute("aria-pressed", String(button.dataset.language === language));
    }
    menu.replaceChildren(...boot.menu[language].map(function (item) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "/" + item.command + " — " + item.about;
      button.addEventListener("click", function () { // runs it, as Telegram's menu does
        menu.hidden = true;
        send({ text: "/" + item.command }, "/" + item.command);
      });
      return button;
    }));
  }

  function bubble(kind, text) {
    const item = document.createElement("li");
    item.className = "message " + kind;
    const body = document.createElement("div");
    body.className = "text";
    body.textContent = text;
    item.appendChild(body);
    messages.appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  function safeLink(url) {
    return typeof url === "string" && url.startsWith("/kb/") ? url : null;
  }

  function showReply(item, reply) {
    item.classList.remove("waiting");
    item.querySelector(".text").textContent = reply.text;
    if (reply.citations && reply.citations.length) {
      const list = document.createElement("div");
      list.className = "citations";
      for (const citation of reply.citations) {
        const url = safeLink(citation.url);
        if (!url) continue;
        const link = document.createElement("a");
        link.href = url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = "§ " + citation.label;
        list.appendChild(link);
      }
      item.appendChild(list);
    }
    if (reply.attachment) {
      const bytes = Uint8Array.from(atob(reply.attachment.data), function (c) { return c.charCodeAt(0); });
      const link = document.createElement("a");
      link.className = "download";
      link.href = URL.createObjectURL(new Blob([bytes], { type: reply.attachment.type }));
      link.download = reply.attachment.filename;
      link.textContent = say("download", { name: reply.attachment.filename });
      item.appendChild(link);
    }
    if (reply.buttons && reply.buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      for (const choice of reply.buttons) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = choice.label;
        button.addEventListener("click", function () {
          for (const other of row.querySelectorAll("button")) other.disabled = true;
          send({ pressed: choice.payload }, choice.label);
        });
        row.appendChild(button);
      }
      item.appendChild(row);
    }
    item.scrollIntoView({ block: "end" });
  }

  function showError(message) {
    const item = document.createElement("li");
    item.className = "error";
    item.textContent = message;
    messages.appendChild(item);
  }

  async function refused(response) {
    let message = say("error");
    try {
      const body = await response.json();
      if (body.error) message = body.error;
    } catch (ignored) { /* not JSON: the generic message */ }
    showError(message);
  }

  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message", data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) name = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        onEvent(name, data ? JSON.parse(data) : {});
      }
    }
  }

  async function send(message, shown) {
    if (busy) return;
    busy = true;
    bubble("from-member", shown);
    let waiting = bubble("from-bot waiting", "");
    const body = JSON.stringify(Object.assign({ name: nameInput.value.trim() }, message));
    try {
      const response = await fetch("/chat/api/send", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: canStream ? "text/event-stream" : "application/json" },
        body: body,
        credentials: "same-origin",
      });
      if (!response.ok) {
        waiting.remove();
        await refused(response);
        return;
      }
      const streamed = canStream && response.body && (response.headers.get("Content-Type") || "").startsWith("text/event-stream");
      if (streamed) {
        let used = false;
        await readEvents(response, function (name, data) {
          if (name === "delta") {
            waiting.querySelector(".text").textContent = data.text;
          } else if (name === "reply") {
            if (used) waiting = bubble("from-bot", "");
            showReply(waiting, data);
            used = true;
          }
        });
        if (!used) waiting.remove();
      } else {
        const data = await response.json();
        if (!data.replies.length) waiting.remove();
        data.replies.forEach(function (reply, number) {
          if (number > 0) waiting = bubble("from-bot", "");
          showReply(waiting, reply);
        });
      }
    } catch (error) {
      waiting.remove();
      showError(say("error"));
    } finally {
      busy = false;
    }
  }

  // What the bot wrote to this member while the page was closed or elsewhere (a ticket's
  // answer, an introduction): listed on load, then live. Each number is shown once, whether it
  // comes from the list, the stream, or both.
  const shownKept = new Set();
  let welcome = null; // messages listed on load go above the greeting, later ones at the end

  function showKept(item, atLoad) {
    if (shownKept.has(item.number)) return;
    shownKept.add(item.number);
    const entry = document.createElement("li");
    entry.className = "message from-bot kept";
    const label = document.createElement("div");
    label.className = "kept-label";
    const at = new Date(item.at);
    label.textContent = say("kept") + (isNaN(at) ? "" : " · " + at.toLocaleString(document.documentElement.lang));
    const body = document.createElement("div");
    body.className = "text";
    entry.append(label, body);
    if (atLoad && welcome && welcome.parentNode === messages) messages.insertBefore(entry, welcome);
    else messages.appendChild(entry);
    showReply(entry, item);
  }

  async function fetchKept(atLoad) {
    try {
      const response = await fetch("/chat/api/kept", { credentials: "same-origin" });
      const data = await response.json();
      for (const item of data.messages) showKept(item, atLoad);
    } catch (ignored) { /* the next look may succeed */ }
  }

  const shownAnnouncements = new Set();

  function showAnnouncement(item, newest) {
    if (shownAnnouncements.has(item.number)) return; // listed on load and heard live: once
    shownAnnouncements.add(item.number);
    const panel = document.getElementById("announcements");
    const list = panel.querySelector("ul");
    const entry = document.createElement("li");
    entry.textContent = item.text;
    if (newest) list.prepend(entry); else list.appendChild(entry);
    while (list.children.length > 3) list.lastElementChild.remove();
    panel.hidden = false;
  }

  // Announcements: the newest on load, then live by an event stream. A stream the server
  // refused (503 when full) or that broke for good is opened again after a while, and the
  // list fetched again then, so nothing said in between is missed. Browsers without
  // EventSource or streams (old in-app browsers) ask for the list now and then instead.
  const announcementSeconds = boot.announcement_seconds;

  async function fetchAnnouncements(firstTime) {
    try {
      const response = await fetch("/chat/api/announcements", { credentials: "same-origin" });
      const data = await response.json();
      const newestFirst = data.announcements.slice(0, 3);
      if (firstTime) for (const item of newestFirst) showAnnouncement(item, false);
      else for (const item of newestFirst.reverse()) showAnnouncement(item, true);
    } catch (ignored) { /* the chat works without them; the next look may succeed */ }
  }

  function listenForAnnouncements() {
    const source = new EventSource("/chat/api/events");
    let opened = false;
    source.addEventListener("open", function () {
      if (opened) fetchAnnouncements(false); // reconnected: what went out in between
      fetchKept(false); // kept since the list was read (or while away)
      opened = true;
    });
    source.addEventListener("announcement", function (event) {
      showAnnouncement(JSON.parse(event.data), true);
    });
    source.addEventListener("kept", function (event) {
      showKept(JSON.parse(event.data), false);
    });
    source.addEventListener("error", function () {
      if (source.readyState !== EventSource.CLOSED) return; // the browser reconnects itself
      source.close();
      const wait = announcementSeconds * (1 + Math.random()) * 1000; // not all pages at once
      setTimeout(function () {
        fetchAnnouncements(false);
        fetchKept(false);
        listenForAnnouncements();
      }, wait);
    });
  }

  async function loadAnnouncements() {
    await Promise.all([fetchAnnouncements(true), fetchKept(true)]);
    if (typeof EventSource !== "undefined" && typeof ReadableStream !== "undefined") {
      listenForAnnouncements();
    } else {
      setInterval(function () {
        fetchAnnouncements(false);
        fetchKept(false);
      }, announcementSeconds * 1000);
    }
  }

  // Older iOS Safari and WeChat's browser lack form.requestSubmit(), so Enter and the send
  // button both call this directly.
  function submitMessage() {
    const text = input.value.trim();
    if (!text || busy) return; // while an answer comes, the text waits in the box
    input.value = "";
    menu.hidden = true;
    send({ text: text }, text);
  }

  document.getElementById("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    submitMessage();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submitMessage();
    }
  });
  document.getElementById("commands").addEventListener("click", function () { menu.hidden = !menu.hidden; });
  for (const button of document.querySelectorAll("[data-language]")) {
    button.addEventListener("click", function () {
      if (button.dataset.language === language) return;
      language = button.dataset.language;
      document.cookie = "cb_lang=" + language + "; path=/; max-age=31536000; SameSite=Lax";
      translatePage();
      send({ pressed: "lang:" + language }, button.textContent);
    });
  }
  nameInput.value = localStorage.getItem("cb_name") || "";
  nameInput.addEventListener("change", function () { localStorage.setItem("cb_name", nameInput.value.trim()); });
  translatePage();
  welcome = bubble("from-bot", say("welcome"));
  loadAnnouncements();
})();
