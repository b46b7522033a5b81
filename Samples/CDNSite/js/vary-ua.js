// Vary: User-Agent (one copy per browser version)
