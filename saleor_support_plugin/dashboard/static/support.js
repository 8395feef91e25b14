/* The Dashboard side of the support pages (the messages of @saleor/app-sdk's AppBridge, without the SDK).
 * No framework, no inline script (the CSP forbids it).
 * - Only messages from the configured Dashboard origins, sent by the parent frame, are read.
 * - "handshake" (sent on every load of the frame) and "tokenRefresh" carry the staff member's token: it is put
 *   into every form's hidden accessToken field, and an app page's empty shell posts it to load the page (the
 *   token never goes into a URL or a cookie).
 * - "theme" switches light/dark and is carried in the forms, so the next page keeps it.
 * - The page reports its height so an order widget is as tall as its content: "widgetResize" (an AppBridge
 *   action, Dashboard 3.23.8+) and "saleor:widget:resize" (the newer Dashboard's message). */
(function () {
  "use strict";
  var root = document.documentElement;
  var origins = (root.getAttribute("data-dashboard-origins") || "").split(" ").filter(Boolean);

  function setSessionField(kind, value) {
    var fields = document.querySelectorAll('input[data-session="' + kind + '"]');
    for (var i = 0; i < fields.length; i++) fields[i].value = value;
  }

  function setTheme(theme) {
    if (theme !== "light" && theme !== "dark") return;
    root.setAttribute("data-theme", theme);
    setSessionField("theme", theme);
  }

  function onMessage(event) {
    if (origins.indexOf(event.origin) === -1 || event.source !== window.parent) return;
    var data = event.data || {};
    var payload = data.payload || {};
    if (data.type === "theme") setTheme(payload.theme);
    if (data.type === "tokenRefresh" && typeof payload.token === "string" && payload.token) {
      setSessionField("token", payload.token);
    }
    if (data.type === "handshake" && typeof payload.token === "string" && payload.token) {
      setSessionField("token", payload.token);
      var shell = document.querySelector("form[data-handshake]");
      if (shell && !shell.getAttribute("data-sent")) {
        shell.setAttribute("data-sent", "1");
        shell.submit();
      }
    }
  }

  window.addEventListener("message", onMessage);
  root.setAttribute("data-bridge", "ready"); // listening: the Dashboard's messages are no longer missed
  var initialTheme = new URLSearchParams(window.location.search).get("theme");
  if (initialTheme) setTheme(initialTheme);
  function tellDashboard(message) {
    if (window.parent === window) return;
    for (var i = 0; i < origins.length; i++) window.parent.postMessage(message, origins[i]);
  }

  tellDashboard({ type: "notifyReady", payload: { actionId: "support-ready-" + Date.now() } });
  function reportHeight() {
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    tellDashboard({ type: "widgetResize", payload: { height: height, actionId: "support-resize-" + Date.now() } });
    tellDashboard({ type: "saleor:widget:resize", height: height });
  }
  if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.body);
  reportHeight();
})();
