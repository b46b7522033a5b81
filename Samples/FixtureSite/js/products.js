// Product gallery.
export const gallery = document.querySelector(".gallery");
