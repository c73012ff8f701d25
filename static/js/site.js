/* jobsite: progressive enhancement only. Every feature here also works
   without this file (plain GET forms and links); the script only saves
   page loads. Loaded with `defer` from base.html, no inline code (CSP). */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");

  var RESULTS_SELECTOR = "[data-results], #results";
  var FILTER_FORM_SELECTOR = "form[data-autosubmit], form.filters, form.filter-form, #filters form";

  function $(selector, scope) {
    return (scope || document).querySelector(selector);
  }

  /* ---- live region for announcing updates to screen readers ---- */
  var liveRegion = null;
  function announce(text) {
    if (!text) return;
    if (!liveRegion) {
      liveRegion = document.createElement("div");
      liveRegion.className = "visually-hidden";
      liveRegion.setAttribute("role", "status");
      liveRegion.setAttribute("aria-live", "polite");
      document.body.appendChild(liveRegion);
    }
    // Clearing first makes repeated identical messages be read again.
    liveRegion.textContent = "";
    window.setTimeout(function () {
      liveRegion.textContent = text;
    }, 50);
  }

  /* ---- results re-rendered in place ---- */
  function cleanQuery(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value.trim() !== "" && key !== "page" && key !== "partial") {
        params.append(key, value);
      }
    });
    return params;
  }

  function formUrl(form) {
    var action = form.getAttribute("action") || window.location.pathname;
    var url = new URL(action, window.location.href);
    url.search = cleanQuery(form).toString();
    return url;
  }

  var pending = null;

  function loadResults(url, options) {
    var container = $(RESULTS_SELECTOR);
    if (!container || !window.fetch || !window.URL) {
      window.location.assign(url.toString());
      return;
    }
    var partialUrl = new URL(url.toString());
    partialUrl.searchParams.set("partial", "results");
    if (pending) pending.abort();
    pending = window.AbortController ? new AbortController() : null;
    var activeId = document.activeElement && document.activeElement.id;
    container.setAttribute("aria-busy", "true");
    root.classList.add("is-loading");

    fetch(partialUrl.toString(), {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      signal: pending ? pending.signal : undefined,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var fresh = holder.content.querySelector(RESULTS_SELECTOR);
        if (fresh) {
          container.replaceWith(fresh);
          container = fresh;
        } else {
          container.innerHTML = html;
        }
        container.removeAttribute("aria-busy");
        // The new HTML is plain again: the place autocomplete, the
        // collapsible filters and the "live" form class are set up anew.
        enhance();
        if (options && options.push) {
          window.history.pushState({ results: true }, "", url.toString());
        }
        if (activeId && document.getElementById(activeId) && document.activeElement === document.body) {
          document.getElementById(activeId).focus();
        }
        if (options && options.focusResults) {
          var heading = container.querySelector("h1, h2, [data-total], .total");
          var target = heading || container;
          if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
          target.focus();
          target.scrollIntoView({ block: "start" });
        }
        var total = container.querySelector("[data-total], .total, .result-count");
        announce(total ? total.textContent.trim() : "");
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        // Anything unexpected: fall back to an ordinary page load.
        window.location.assign(url.toString());
      })
      .then(function () {
        root.classList.remove("is-loading");
      });
  }

  function isTextual(el) {
    var type = (el.getAttribute("type") || "text").toLowerCase();
    return el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && ["text", "search", "number", "email"].indexOf(type) !== -1);
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    var form = el.closest && el.closest(FILTER_FORM_SELECTOR);
    if (!form || !$(RESULTS_SELECTOR)) return;
    // Typed values apply on Enter (submit), not on every blur.
    if (isTextual(el)) return;
    loadResults(formUrl(form), { push: true });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches(FILTER_FORM_SELECTOR) || !$(RESULTS_SELECTOR)) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") return;
    event.preventDefault();
    loadResults(formUrl(form), { push: true });
  });

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest && event.target.closest("a");
    if (!link) return;
    var container = link.closest(RESULTS_SELECTOR);
    if (!container || !link.closest(".pagination, [data-live-link]")) return;
    var url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    event.preventDefault();
    loadResults(url, { push: true, focusResults: true });
  });

  window.addEventListener("popstate", function () {
    if ($(RESULTS_SELECTOR)) {
      loadResults(new URL(window.location.href), { push: false });
    }
  });

  /* ---- filters fold away on small screens (a disclosure button) ---- */
  var filtersOpen = false;
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 51.99rem)") : null;

  function enhanceFilters() {
    var box = $(".filters");
    if (!box || box.hasAttribute("data-collapsible") || !narrow || !narrow.matches) return;
    var heading = box.querySelector("h2");
    if (!heading) return;
    box.setAttribute("data-collapsible", "");
    var body = document.createElement("div");
    body.className = "filters-body";
    body.id = "filters-body";
    while (heading.nextSibling) body.appendChild(heading.nextSibling);
    box.appendChild(body);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "filters-toggle";
    button.setAttribute("aria-controls", body.id);
    button.setAttribute("aria-expanded", String(filtersOpen));
    // The heading's text is already translated by the server.
    button.textContent = heading.textContent.trim();
    var active = box.querySelectorAll("input:checked:not([value=''])").length;
    if (active) {
      var badge = document.createElement("span");
      badge.className = "filters-active";
      badge.textContent = " (" + active + ")";
      button.appendChild(badge);
    }
    heading.textContent = "";
    heading.appendChild(button);
    button.addEventListener("click", function () {
      filtersOpen = !filtersOpen;
      button.setAttribute("aria-expanded", String(filtersOpen));
    });
  }

  /* ---- place autocomplete (native <datalist>, so it stays accessible) ---- */
  function placeNames(data) {
    var list = Array.isArray(data) ? data : data && (data.results || data.places || data.suggestions || data.items) || [];
    return list
      .map(function (item) {
        if (typeof item === "string") return item;
        return item && (item.label || item.name || item.value || item.text);
      })
      .filter(function (name, index, names) {
        // Several places share a name (Hagen); the search picks the largest.
        return name && names.indexOf(name) === index;
      })
      .slice(0, 10);
  }

  function enhancePlaceInput(input) {
    var url = input.getAttribute("data-suggest-url");
    if (!url || input.hasAttribute("list")) return;
    var datalist = document.createElement("datalist");
    datalist.id = input.id + "-suggestions";
    input.insertAdjacentElement("afterend", datalist);
    input.setAttribute("list", datalist.id);
    input.setAttribute("autocomplete", "off");
    var timer = null;
    var controller = null;
    var lastTerm = "";

    input.addEventListener("input", function () {
      var term = input.value.trim();
      window.clearTimeout(timer);
      if (term.length < 2 || term === lastTerm) return;
      timer = window.setTimeout(function () {
        lastTerm = term;
        if (controller) controller.abort();
        controller = window.AbortController ? new AbortController() : null;
        var target = new URL(url, window.location.href);
        target.searchParams.set("q", term);
        fetch(target.toString(), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: controller ? controller.signal : undefined,
        })
          .then(function (response) {
            return response.ok ? response.json() : [];
          })
          .then(function (data) {
            datalist.textContent = "";
            placeNames(data).forEach(function (name) {
              var option = document.createElement("option");
              option.value = name;
              datalist.appendChild(option);
            });
          })
          .catch(function () {
            /* suggestions are a convenience; typing still works */
          });
      }, 180);
    });
  }

  // Safe to run again: each step leaves what it has already set up.
  function enhance() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest-url]"), enhancePlaceInput);
    enhanceFilters();
    // Filters apply on change, so their submit button is only needed without JS.
    Array.prototype.forEach.call(document.querySelectorAll(FILTER_FORM_SELECTOR), function (form) {
      if ($(RESULTS_SELECTOR)) form.classList.add("is-live");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
