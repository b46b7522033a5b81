// no hash in the name, but cached for a week
