// Prefetched for a later navigation.
window.later = 1;
