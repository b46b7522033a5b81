// a content hash in the name, but cached for an hour
