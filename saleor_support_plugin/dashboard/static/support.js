/* The Dashboard side of the support pages (the messages of @saleor/app-sdk's AppBridge, without the SDK).
 * No framework, no inline script (the CSP forbids it).
 * - Only messages from the configured Dashboard origins, sent by the parent frame, are read.
 * - "handshake" (sent on every load of the frame) and "tokenRefresh" carry the staff member's token: it is put
 *   into every form's hidden accessToken field, and an app page's empty shell posts it to load the page (the
 *   token never goes into a URL or a cookie).
 * - "theme" switches light/dark and is carried in the forms, so the next page keeps it.
 * - The order widget reports its height so the Dashboard makes its frame as tall as the content: "widgetResize"
 *   (an AppBridge action, Dashboard 3.23.8+). Only the widget on the order page: the Dashboard applies the
 *   action to any frame, and would shrink a popup or an app page to its content.
 * - A case opened for an order is announced to the plugin's other frames on the same Dashboard page (a
 *   BroadcastChannel, same origin only): the order page's widget reloads itself, since the Dashboard never posts
 *   a POST widget again (its refreshEntity and redirect actions leave the widget's frame as it is). From the
 *   "Open support case" popup the page also asks the Dashboard for a notification, a refetch of the order
 *   (refreshEntity) and to close the popup (popupClose): AppBridge actions the Dashboard honours for popups. */
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
  }
  var onOrderPage = document.body.classList.contains("widget") && !document.querySelector('[data-frame="popup"]');
  if (onOrderPage) {
    if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.body);
    reportHeight();
  }

  function dashboardAction(type, payload) {
    payload.actionId = "support-" + type + "-" + Date.now();
    tellDashboard({ type: type, payload: payload });
  }

  var refresh = document.querySelector("form[data-refresh]");
  var channel = window.BroadcastChannel ? new BroadcastChannel("saleor-support-plugin") : null;
  var opened = refresh && refresh.getAttribute("data-opened-case");
  if (opened) {
    var order = refresh.getAttribute("data-order");
    if (channel) channel.postMessage({ type: "caseOpened", orderId: order, caseId: opened });
    if (refresh.getAttribute("data-frame") === "popup") {
      dashboardAction("notification", { status: "success", title: "Support case #" + opened + " opened" });
      dashboardAction("refreshEntity", {});
      dashboardAction("popupClose", {});
    }
  }

  function typedSomething() {
    var fields = document.querySelectorAll("textarea:not([readonly]), input[name=subject]");
    for (var i = 0; i < fields.length; i++) if (fields[i].value.trim()) return true;
    return false;
  }

  if (channel && refresh) {
    channel.onmessage = function (event) {
      var data = event.data || {};
      if (data.type !== "caseOpened" || data.orderId !== refresh.getAttribute("data-order")) return;
      if (typedSomething()) refresh.hidden = false; // never throw away what was typed: offer the reload instead
      else refresh.submit();
    };
  }
})();
