// Vary: * (no cache may reuse it)
