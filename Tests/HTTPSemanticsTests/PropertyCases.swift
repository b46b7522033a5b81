/// How many cases each property draws: enough to cover every branch, cheap enough for every run.
let propertyCases = 2000
