// Shared behaviour for every page.
document.documentElement.classList.add("js");
