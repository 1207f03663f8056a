// openhouse page behaviour. Every action works without this script; it adds swipe-friendly carousels,
// upload previews, reordering and confirmations.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function carousel(root) {
    var track = root.querySelector(".slides");
    var slides = track.querySelectorAll(".slide");
    if (slides.length < 2) return;
    var prev = root.querySelector(".prev"), next = root.querySelector(".next");
    var current = root.querySelector("[data-current]"), dots = root.querySelectorAll(".dot");
    function index() { return Math.round(track.scrollLeft / track.clientWidth); }
    function go(i) {
      i = Math.max(0, Math.min(slides.length - 1, i));
      track.scrollTo({ left: i * track.clientWidth, behavior: "smooth" });
    }
    function update() {
      var i = index();
      current.textContent = String(i + 1);
      prev.hidden = i === 0;
      next.hidden = i === slides.length - 1;
      dots.forEach(function (d, n) { d.classList.toggle("on", n === i); });
      root.dataset.index = String(i);
    }
    prev.addEventListener("click", function () { go(index() - 1); });
    next.addEventListener("click", function () { go(index() + 1); });
    track.addEventListener("scroll", function () { window.requestAnimationFrame(update); }, { passive: true });
    track.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight") { go(index() + 1); e.preventDefault(); }
      if (e.key === "ArrowLeft") { go(index() - 1); e.preventDefault(); }
    });
    // Mouse and pen drag; touch swiping is the browser's own scroll-snap.
    var startX = null, startLeft = 0;
    track.addEventListener("pointerdown", function (e) {
      if (e.pointerType === "touch") return;
      startX = e.clientX; startLeft = track.scrollLeft; track.style.scrollSnapType = "none";
    });
    window.addEventListener("pointermove", function (e) {
      if (startX !== null) track.scrollLeft = startLeft - (e.clientX - startX);
    });
    window.addEventListener("pointerup", function (e) {
      if (startX === null) return;
      var moved = e.clientX - startX;
      startX = null; track.style.scrollSnapType = "";
      var base = Math.round(startLeft / track.clientWidth);
      go(Math.abs(moved) > 40 ? base + (moved < 0 ? 1 : -1) : base);
    });
    update();
  }

  function placeholders(root) {
    root.querySelectorAll("img[data-placeholder]").forEach(function (img) {
      if (img.complete || !img.dataset.placeholder) return;
      img.style.backgroundImage = "url(" + img.dataset.placeholder + ")";
      img.addEventListener("load", function () { img.style.backgroundImage = ""; }, { once: true });
    });
  }

  function uploadPreviews(form) {
    var input = form.querySelector("input[type=file]"), list = form.querySelector("[data-previews]");
    input.addEventListener("change", function () {
      list.textContent = "";
      Array.prototype.slice.call(input.files, 0, 10).forEach(function (file, n) {
        var li = document.createElement("li"), img = document.createElement("img");
        img.src = URL.createObjectURL(file);
        img.alt = "Photo " + (n + 1) + " preview";
        li.appendChild(img);
        list.appendChild(li);
      });
    });
  }

  function reorder(list) {
    function renumber() {
      list.querySelectorAll("[data-item]").forEach(function (li, n) {
        li.querySelector(".field-order input").value = String(n + 1);
        li.querySelector("[data-move='-1']").disabled = n === 0;
        li.querySelector("[data-move='1']").disabled = li.nextElementSibling === null;
      });
    }
    list.querySelectorAll("[data-move-buttons]").forEach(function (b) { b.hidden = false; });
    list.addEventListener("click", function (e) {
      var button = e.target.closest("[data-move]");
      if (!button) return;
      var li = button.closest("[data-item]");
      if (button.dataset.move === "-1" && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
      if (button.dataset.move === "1" && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
      renumber();
      button.focus();
    });
    renumber();
  }

  var HEART = '<svg class="heart-burst" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 20.5s-7.5-4.6-9.2-9.4C1.6 7.6 4 4.5 7.3 4.5c2 0 3.5 1.1 4.7 2.8 1.2-1.7 2.7-2.8 4.7-2.8 3.3 0 5.7 3.1 4.5 6.6-1.7 4.8-9.2 9.4-9.2 9.4z"/></svg>';

  // Likes: the form posts without JavaScript; here it is sent with fetch and the bar updates in place.
  function sendLike(form, wantLiked) {
    var button = form.querySelector("button");
    var liked = button.getAttribute("aria-pressed") === "true";
    if (wantLiked !== undefined && wantLiked === liked) return Promise.resolve();
    var action = form.getAttribute("action").replace(/(un)?like\/$/, liked ? "unlike/" : "like/");
    return fetch(action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : Promise.reject(r); }).then(function (data) {
      button.setAttribute("aria-pressed", data.liked ? "true" : "false");
      button.classList.toggle("on", data.liked);
      button.classList.toggle("pop", data.liked);
      form.setAttribute("action", action.replace(/(un)?like\/$/, data.liked ? "unlike/" : "like/"));
      var holder = form.closest("article");
      var count = holder && holder.querySelector("[data-like-count]");
      if (count) {
        count.textContent = data.likes.toLocaleString("en-GB");
        count.nextSibling.textContent = data.likes === 1 ? " like" : " likes";
      }
    }).catch(function () { form.submit(); });
  }

  function bindLike(form) {
    form.addEventListener("submit", function (e) { e.preventDefault(); sendLike(form); });
    var article = form.closest("article");
    var media = article && article.querySelector(".carousel");
    if (!media) return;
    // Double-tap (or double-click) on the photo likes it; it never unlikes.
    media.addEventListener("dblclick", function (e) {
      e.preventDefault();
      media.insertAdjacentHTML("beforeend", HEART);
      var heart = media.lastElementChild;
      heart.addEventListener("animationend", function () { heart.remove(); });
      sendLike(form, true);
    });
  }

  // Everything a fragment of page needs: used for the page and for feed pages appended by infinite scroll.
  function enhance(root) {
    root.querySelectorAll("[data-carousel]").forEach(carousel);
    root.querySelectorAll("form[data-like]").forEach(bindLike);
    root.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) { if (!window.confirm(f.dataset.confirm)) e.preventDefault(); });
    });
    placeholders(root);
  }

  // Infinite scroll: when the "Older posts" link comes into view, fetch that page and append its cards.
  function infiniteScroll() {
    var feed = document.querySelector("[data-feed]");
    if (!feed || !("IntersectionObserver" in window)) return;
    var loading = false;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting || loading) return;
        var link = entry.target;
        loading = true;
        fetch(link.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var more = link.closest(".more");
          page.querySelectorAll("[data-feed] > .card").forEach(function (card) {
            var adopted = document.adoptNode(card);
            feed.insertBefore(adopted, more);
            enhance(adopted);
          });
          var next = page.querySelector("[data-feed] .more a");
          observer.unobserve(link);
          if (next) { link.href = next.getAttribute("href"); observer.observe(link); } else { more.remove(); }
          loading = false;
        }).catch(function () { loading = false; });
      });
    }, { rootMargin: "600px 0px" });
    var first = feed.querySelector(".more a");
    if (first) observer.observe(first);
  }

  // Review: the publication time matters only when "Approve and schedule" is chosen.
  function whenChoice(fieldset) {
    var form = fieldset.closest("form"), input = form.querySelector("input[name=publish_at]");
    if (!input) return;
    var field = input.closest(".field");
    function update() {
      var chosen = form.querySelector("input[name=when]:checked");
      field.hidden = !chosen || chosen.value !== "schedule";
    }
    fieldset.addEventListener("change", update);
    update();
  }

  // Studio: while a photo's pre-publication report is being prepared (a task), fetch the page again every
  // 2 s and, once the report is there, swap in the report and review panels; the edit form is left as
  // the author left it. After three minutes, reloading is the way.
  function reportWhenReady() {
    if (!document.querySelector("[data-report-pending]") || !window.fetch) return;
    var tries = 0;
    function schedule() { if (++tries <= 90) window.setTimeout(poll, 2000); }
    function poll() {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          var page = html && new DOMParser().parseFromString(html, "text/html");
          var fresh = page && page.getElementById("report");
          if (!fresh || fresh.hasAttribute("data-report-pending")) return schedule();
          ["report", "review"].forEach(function (id) {
            var here = document.getElementById(id), there = page.getElementById(id);
            if (!here || !there) return;
            var adopted = document.adoptNode(there);
            here.replaceWith(adopted);
            enhance(adopted);
            adopted.querySelectorAll("[data-when]").forEach(whenChoice);
          });
        })
        .catch(schedule);
    }
    schedule();
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    reportWhenReady();
    document.querySelectorAll("[data-when]").forEach(whenChoice);
    document.querySelectorAll("[data-upload]").forEach(uploadPreviews);
    document.querySelectorAll("[data-reorder]").forEach(reorder);
    infiniteScroll();
  });
})();

// Live Q&A answers: poll a tiny, shared, cacheable URL (see openhouse/qa/live.py for why not a stream).
(function () {
  "use strict";
  var box = document.querySelector("[data-live-url]");
  if (!box || !window.fetch) return;
  var url = box.dataset.liveUrl, every = parseInt(box.dataset.pollMs, 10) || 1000, timer = null, busy = false;
  function schedule() { timer = window.setTimeout(poll, every); }
  function poll() {
    timer = null;
    if (document.hidden) return;  // resumes on visibilitychange
    if (busy) return schedule();
    busy = true;
    fetch(url + "?since=" + encodeURIComponent(box.dataset.version), { credentials: "omit" })
      .then(function (r) { return r.status === 200 ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var seen = {};
        box.querySelectorAll("[data-question]").forEach(function (el) { seen[el.dataset.question] = true; });
        box.innerHTML = data.html;
        box.dataset.version = String(data.version);
        box.querySelectorAll("[data-question]").forEach(function (el) {
          if (!seen[el.dataset.question]) el.classList.add("fresh");
        });
      })
      .catch(function () {})
      .then(function () { busy = false; schedule(); });
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer === null && !busy) poll();
  });
  schedule();
})();

// Highlight viewer: arrow keys and taps on the left or right third move between items.
(function () {
  "use strict";
  var viewer = document.querySelector("[data-viewer]");
  if (!viewer) return;
  function go(key) { var a = viewer.querySelector("[data-key='" + key + "']"); if (a) window.location.href = a.href; }
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowLeft" || e.key === "ArrowRight") go(e.key);
    if (e.key === "Escape") window.location.href = viewer.querySelector(".viewer-close").href;
  });
  viewer.querySelector(".viewer-stage").addEventListener("click", function (e) {
    if (e.target.closest("a, button")) return;
    var third = viewer.clientWidth / 3, x = e.clientX - viewer.getBoundingClientRect().left;
    if (x < third) go("ArrowLeft"); else if (x > 2 * third) go("ArrowRight");
  });
})();
