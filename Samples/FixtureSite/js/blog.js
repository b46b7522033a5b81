// Reading time for articles.
document.querySelectorAll("article").forEach(function (a) {
  a.dataset.words = String(a.textContent.split(/\s+/).length);
});
