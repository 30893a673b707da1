// <script src="https://bot.example.org/chat/widget.js" async></script>
// A button in the corner of any page that opens the community's chat in a panel (a frame of
// /chat/, allowed by the bot's BOT_WEB_EMBED_ORIGINS).
(function () {
  "use strict";
  var base = "__CHAT_BASE__";
  if (document.getElementById("community-bot-widget")) return;
  var zh = (navigator.language || "").toLowerCase().indexOf("zh") === 0;
  var button = document.createElement("button");
  button.id = "community-bot-widget";
  button.type = "button";
  button.textContent = zh ? "问问大赛助手" : "Ask the contest bot";
  button.setAttribute("style", "position:fixed;right:16px;bottom:16px;z-index:2147483000;padding:10px 16px;border:0;border-radius:22px;background:#2563eb;color:#fff;font:15px system-ui,sans-serif;box-shadow:0 2px 8px #0004;cursor:pointer");
  var frame = null;
  button.addEventListener("click", function () {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = base + "/chat/?embed=1";
      frame.title = button.textContent;
      frame.setAttribute("style", "position:fixed;right:16px;bottom:68px;z-index:2147483000;width:min(380px,calc(100vw - 32px));height:min(600px,calc(100vh - 100px));border:1px solid #dde3ea;border-radius:12px;background:#fff;box-shadow:0 4px 16px #0003");
      document.body.appendChild(frame);
      return;
    }
    frame.hidden = !frame.hidden;
  });
  document.body.appendChild(button);
})();
