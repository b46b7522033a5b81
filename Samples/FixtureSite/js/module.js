// An ES module, preloaded with modulepreload and loaded with type=module.
export const ready = true;
